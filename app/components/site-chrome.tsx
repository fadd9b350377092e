import { Form, Link, NavLink } from "@remix-run/react";

/** The signed-in user as the header shows them; null or absent when signed out. */
export interface HeaderUser {
  name: string;
  handle: string;
}

export function SiteHeader({ user }: { user?: HeaderUser | null }) {
  return (
    <header className="site-header">
      <div className="container site-header__inner">
        <Link to="/" className="brand" aria-label="Folio home">
          <span className="brand__mark" aria-hidden="true">
            F
          </span>
          Folio
        </Link>
        <nav aria-label="Main">
          <ul className="nav-list">
            {user ? (
              <>
                <li>
                  <NavLink to="/admin">Admin</NavLink>
                </li>
                <li>
                  <NavLink to="/account" title={`Signed in as ${user.name || user.handle}`}>
                    Account
                  </NavLink>
                </li>
                <li>
                  <LogOutButton />
                </li>
              </>
            ) : (
              <>
                <li>
                  <NavLink to="/login">Log in</NavLink>
                </li>
                <li>
                  <NavLink to="/signup">Sign up</NavLink>
                </li>
              </>
            )}
          </ul>
        </nav>
      </div>
    </header>
  );
}

/** A tiny form: logging out changes state, so it is a POST, never a link. */
export function LogOutButton({
  label = "Log out",
  redirectTo,
  className = "link-button",
}: {
  label?: string;
  redirectTo?: string;
  className?: string;
}) {
  return (
    <Form method="post" action="/logout" className="inline-form">
      {redirectTo ? <input type="hidden" name="redirectTo" value={redirectTo} /> : null}
      <button type="submit" className={className}>
        {label}
      </button>
    </Form>
  );
}

export function SiteFooter() {
  return (
    <footer className="site-footer">
      <div className="container">
        <p>
          Folio — independent publishing at the edge. <a href="/api/health">Status</a>
        </p>
      </div>
    </footer>
  );
}
