import { Link } from "@remix-run/react";

export function SiteHeader() {
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
            <li>
              <a href="/api/health">Status</a>
            </li>
          </ul>
        </nav>
      </div>
    </header>
  );
}

export function SiteFooter() {
  return (
    <footer className="site-footer">
      <div className="container">
        <p>Folio — independent publishing at the edge.</p>
      </div>
    </footer>
  );
}
