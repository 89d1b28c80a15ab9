"""The built site served for real: Debian's nginx with deploy/nginx.conf, as `make serve-prod` runs it.

Every response carries the security headers, precompressed files are sent to browsers that accept
them, the 404 page is the site's own, errors are never cached, the logs hold no searches, and
Chromium loads pages and runs the search under the enforced Content-Security-Policy without a
single violation.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import http.client
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from factsite import postbuild
from factsite.cli import cmd_build

from . import harness
from .harness import NGINX, ROOT, RUN_NGINX, Served, free_port, port_is_open, settle, stop, wait_for_port, wait_until
from .sites import tree_digest
from .support import WATCH_VIOLATIONS, expected_headers, headers_block

BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so")
RUNNABLE_TYPES = postbuild.EXECUTABLE_SCRIPT_TYPES


def read_when_written(file: Path, needles: list[str], seconds: float = 5.0) -> str:
    """The file's text once it holds every needle: nginx writes the access log after the response."""
    wait_until(lambda: file.exists() and all(n in file.read_text(encoding="utf-8") for n in needles), seconds)
    return file.read_text(encoding="utf-8") if file.exists() else ""


def require_nginx() -> None:
    if not Path(NGINX).exists():
        if os.environ.get("CI"):
            pytest.fail("nginx is missing; the nginx tests may not be skipped in CI (make test installs it)")
        pytest.skip("nginx is not installed (apt-get install nginx libnginx-mod-http-brotli-static)")


@contextmanager
def running_nginx(site: Path, work: Path, **options: Any) -> Iterator[Served]:
    """harness.nginx (deploy/run-nginx.sh on a free loopback port), skipped or failed as a test."""
    require_nginx()
    try:
        with harness.nginx(site, work, **options) as served:
            yield served
    except harness.NginxDidNotStart as error:
        pytest.fail(str(error))


@pytest.fixture(scope="session")
def nginx(built_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """nginx on a free loopback port serving the session's built site, through deploy/run-nginx.sh."""
    with running_nginx(built_site, tmp_path_factory.mktemp("nginx")) as served:
        yield served


@pytest.fixture(scope="module")
def logged_nginx(built_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Served, Path]]:
    """The same, with an access log file (ACCESS_LOG) as on a real server; yields it and the log's path."""
    work = tmp_path_factory.mktemp("nginx-logged")
    with running_nginx(built_site, work, env={"ACCESS_LOG": str(work / "access.log")}) as served:
        yield served, work / "access.log"


# Paths that cover every kind of response: pages, assets with and without a hash in the name,
# the search index, the sitemap, a redirect and a missing page.
def sample_paths(site: Path) -> list[str]:
    hashed = postbuild.hashed_assets(site)
    bundle = next(p for p in hashed if "/bundle." in p and p.endswith(".js"))
    stylesheet = next(p for p in hashed if "/main." in p and p.endswith(".css"))
    return ["/", "/causes/", "/when-to-see-a-doctor/", "/404.html", bundle, stylesheet, "/assets/site.css",
            "/assets/images/favicon.png", "/search/search_index.json", "/sitemap.xml", "/causes",
            "/no-such-page/"]






def csp_directives(policy: str) -> dict[str, list[str]]:
    return {name: sources for name, *sources in (d.split() for d in policy.split(";"))}


# --- the headers as written by the build ---------------------------------------------------------

def test_static_host_headers_and_nginx_include_say_the_same(built_site: Path) -> None:
    in_headers_file = expected_headers(built_site)
    nginx_lines = (built_site / postbuild.NGINX_INCLUDE).read_text(encoding="utf-8").splitlines()
    in_nginx = {}
    for line in nginx_lines:
        if line.startswith("add_header "):
            assert line.endswith('" always;'), line
            name, value = line.removeprefix("add_header ").removesuffix(" always;").split(" ", 1)
            in_nginx[name] = value.strip('"')
    assert in_nginx == in_headers_file
    assert set(in_headers_file) == {"Content-Security-Policy", "Strict-Transport-Security", "X-Content-Type-Options",
                                    "Referrer-Policy", "Permissions-Policy", "X-Frame-Options",
                                    "Cross-Origin-Opener-Policy", "Cross-Origin-Resource-Policy"}


def test_the_policy_allows_only_the_sites_own_origin(built_site: Path) -> None:
    headers = expected_headers(built_site)
    csp = csp_directives(headers["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"][0] == "'self'"
    assert all(s.startswith("'sha256-") for s in csp["script-src"][1:])
    assert "'unsafe-inline'" not in headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in headers["Content-Security-Policy"]
    assert csp["style-src"] == ["'self'"]
    assert csp["img-src"] == ["'self'", "data:"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    for name, sources in csp.items():
        assert set(sources) <= {"'self'", "'none'", "data:"} | set(csp["script-src"][1:]), name
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Strict-Transport-Security"].startswith("max-age=")
    assert int(headers["Strict-Transport-Security"].removeprefix("max-age=").split(";")[0]) >= 180 * 24 * 3600
    assert headers["Referrer-Policy"] == "no-referrer"
    assert "camera=()" in headers["Permissions-Policy"] and "geolocation=()" in headers["Permissions-Policy"]
    assert headers["Cross-Origin-Opener-Policy"] == headers["Cross-Origin-Resource-Policy"] == "same-origin"


def test_every_inline_script_of_every_page_is_hashed_in_the_policy(built_site: Path) -> None:
    """Checked with a different HTML parser (BeautifulSoup) from the one the build uses."""
    allowed = set(csp_directives(expected_headers(built_site)["Content-Security-Policy"])["script-src"][1:])
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) > 10
    seen = set()
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for script in soup.find_all("script"):
            if script.get("src") or str(script.get("type") or "").strip().lower() not in RUNNABLE_TYPES:
                continue  # data blocks (the theme's JSON config, schema.org JSON-LD) are not run
            digest = base64.b64encode(hashlib.sha256(script.get_text().encode("utf-8")).digest()).decode()
            assert f"'sha256-{digest}'" in allowed, f"{page}: an inline script is not allowed by the policy"
            seen.add(f"'sha256-{digest}'")
        # Why style-src needs no 'unsafe-inline': no inline styles or event handlers in the markup.
        assert not soup.find("style"), f"{page} has a <style> element"
        for tag in soup.find_all(True):
            assert "style" not in tag.attrs, f"{page}: <{tag.name} style=...>"
            assert not [a for a in tag.attrs if a.startswith("on")], f"{page}: <{tag.name}> has an event handler"
    assert seen == allowed, "the policy allows scripts that no page has"


def test_hashed_assets_are_the_only_long_cached_files_for_static_hosts(built_site: Path) -> None:
    text = (built_site / postbuild.HEADERS_FILE).read_text(encoding="utf-8")
    rules = [line for line in text.splitlines() if line.startswith("/")]
    assert rules[0] == "/*"
    assert "Cache-Control" not in headers_block(text), "hosts join repeated headers; /* must not set it"
    long_cached, worker = rules[1:-1], rules[-1]
    assert long_cached == postbuild.hashed_assets(built_site)
    assert worker == "/sw.js" and "/sw.js\n  Cache-Control: no-cache\n" in text, "asked for on every visit"
    assert any(p.endswith(".js") for p in long_cached) and any(p.endswith(".css") for p in long_cached)
    for path in long_cached:
        assert (built_site / path.lstrip("/")).is_file()


def test_every_text_asset_has_gzip_and_brotli_copies(built_site: Path) -> None:
    import brotli

    assets = postbuild.text_assets(built_site)
    assert {p.suffix for p in assets} >= {".html", ".css", ".js", ".json", ".xml"}
    for path in assets:
        raw = path.read_bytes()
        gz = path.with_name(path.name + ".gz").read_bytes()
        assert gzip.decompress(gz) == raw
        assert gz[4:8] == b"\0\0\0\0", f"{path}.gz has a timestamp"
        assert brotli.decompress(path.with_name(path.name + ".br").read_bytes()) == raw


# --- the post-build step on its own ---------------------------------------------------------------

def small_site(folder: Path) -> Path:
    (folder / "a").mkdir(parents=True)
    (folder / "index.html").write_text(
        '<html><head><script>var x = "<b>";</script><script src="s.js"></script>'
        '<script id="__config" type="application/json">{"a": 1}</script></head>'
        "<body><script type=\"module\">\nlet y = 1 &amp;&amp; 2;\n</script></body></html>", encoding="utf-8")
    (folder / "a" / "index.html").write_text("<script>var x = \"<b>\";</script>", encoding="utf-8")
    (folder / "a" / "style.1234abcd.min.css").write_text("body{color:red}" * 50, encoding="utf-8")
    (folder / "logo.png").write_bytes(b"\x89PNG not text")
    return folder


def small_project(folder: Path) -> Path:
    """A project whose template writes the small site's two inline scripts, so the build trusts them."""
    (folder / "docs" / "overrides").mkdir(parents=True)
    (folder / "docs" / "overrides" / "main.html").write_text(
        '<script>var x = "<b>";</script>{{ super() }}<script>\nlet y = 1 &amp;&amp; 2;\n</script>', encoding="utf-8")
    return folder


def test_postbuild_hashes_the_scripts_a_browser_runs_and_is_repeatable(tmp_path: Path) -> None:
    def sha(text: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"

    project = small_project(tmp_path / "project")
    site = small_site(tmp_path / "one")
    summary = postbuild.run(site, project)
    assert postbuild.inline_script_hashes(site) == sorted({sha('var x = "<b>";'), sha("\nlet y = 1 &amp;&amp; 2;\n")})
    assert summary.script_hashes == 2 and summary.compressed == 4  # the two pages, the stylesheet, sw.js
    assert not (site / "logo.png.gz").exists()
    headers = (site / "_headers").read_text(encoding="utf-8")
    assert "/a/style.1234abcd.min.css\n  Cache-Control: public, max-age=31536000, immutable" in headers

    first = tree_digest(site)
    postbuild.run(site, project)  # again on its own output: nothing new, nothing changed
    assert tree_digest(site) == first
    other = small_site(tmp_path / "two")
    os.utime(other / "index.html", (0, 0))
    postbuild.run(other, project)
    assert tree_digest(other) == first


@pytest.mark.build
def test_a_failing_postbuild_leaves_the_last_good_site(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = project / "site"
    site.mkdir()
    (site / "index.html").write_text("last good", encoding="utf-8")

    def broken(folder: Path, project: Path) -> postbuild.Summary:
        raise RuntimeError("no inline script found")

    monkeypatch.setattr(postbuild, "run", broken)
    assert cmd_build(project, site, links=False) == 1
    assert [p.name for p in site.iterdir()] == ["index.html"]
    assert (site / "index.html").read_text(encoding="utf-8") == "last good"
    assert not (project / ".site-new").exists()


# --- nginx ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("accept_encoding", [None, "gzip", "gzip, deflate, br"])
def test_every_response_carries_the_security_headers(nginx: Served, accept_encoding: str | None) -> None:
    expected = {k.lower(): v for k, v in expected_headers(nginx.site).items()}
    statuses = set()
    for path in sample_paths(nginx.site):
        response = nginx.get(path, accept_encoding)
        statuses.add(response.status)
        for name, value in expected.items():
            assert response.headers.get(name) == value, f"{path}: {name}"
        assert "server" not in response.headers or response.headers["server"] == "nginx", "version leaked"
    assert statuses == {200, 301, 404}


def test_precompressed_files_are_sent_when_asked(nginx: Served) -> None:
    for path in ["/causes/", "/search/search_index.json", *postbuild.hashed_assets(nginx.site)[:1], "/sitemap.xml"]:
        file = nginx.site / path.lstrip("/")
        if file.is_dir():
            file = file / "index.html"
        raw = file.read_bytes()

        plain = nginx.get(path)
        assert plain.status == 200 and "content-encoding" not in plain.headers and plain.body == raw, path

        zipped = nginx.get(path, "gzip")
        assert zipped.headers.get("content-encoding") == "gzip", path
        assert zipped.body == file.with_name(file.name + ".gz").read_bytes(), f"{path}: not the prebuilt .gz"
        assert int(zipped.headers["content-length"]) < len(raw)
        assert "Accept-Encoding" in zipped.headers.get("vary", "")

        if BROTLI_MODULE.exists() or os.environ.get("CI"):
            both = nginx.get(path, "gzip, deflate, br")
            assert both.headers.get("content-encoding") == "br", path
            assert both.body == file.with_name(file.name + ".br").read_bytes()


def test_cache_lifetimes(nginx: Served) -> None:
    for path in postbuild.hashed_assets(nginx.site):
        assert nginx.get(path).headers["cache-control"] == "public, max-age=31536000, immutable", path
    for path in ["/", "/causes/", "/search/search_index.json", "/assets/site.css", "/sitemap.xml"]:
        assert nginx.get(path).headers["cache-control"] == "public, max-age=300", path
    # A revalidation (304) and a part of a file (206) keep the file's lifetime.
    etag = nginx.get("/causes/").headers["etag"]
    unchanged = nginx.get("/causes/", headers={"If-None-Match": etag})
    assert unchanged.status == 304 and unchanged.headers["cache-control"] == "public, max-age=300"
    hashed = postbuild.hashed_assets(nginx.site)[0]
    part = nginx.get(hashed, headers={"Range": "bytes=0-9"})
    assert part.status == 206 and part.headers["cache-control"] == "public, max-age=31536000, immutable"


def test_the_service_worker_is_checked_on_every_visit_and_the_manifest_has_its_type(nginx: Served) -> None:
    worker = nginx.get("/sw.js", "gzip, deflate, br")
    assert worker.status == 200 and worker.headers["cache-control"] == "no-cache"
    assert worker.headers["content-type"].startswith("application/javascript")
    assert worker.headers.get("content-encoding") == ("br" if BROTLI_MODULE.exists() else "gzip")
    unchanged = nginx.get("/sw.js", headers={"If-None-Match": nginx.get("/sw.js").headers["etag"]})
    assert unchanged.status == 304 and unchanged.headers["cache-control"] == "no-cache"
    manifest = nginx.get("/manifest.webmanifest")
    assert manifest.status == 200 and manifest.headers["content-type"] == "application/manifest+json; charset=utf-8"
    assert manifest.headers["cache-control"] == "public, max-age=300"
    for name, value in expected_headers(nginx.site).items():
        assert manifest.headers.get(name.lower()) == value, name


def test_errors_and_redirects_are_never_stored(nginx: Served) -> None:
    """A cached 404 would hide a page published a minute later; a cached redirect outlives a fix."""
    answers = {"/no-such-page/": 404, "/causes/missing.html": 404, "/_headers": 404, "/assets/": 404,
               "/causes": 301, "/assets": 301}
    for path, status in answers.items():
        response = nginx.get(path)
        assert response.status == status, path
        assert response.headers["cache-control"] == "no-store", path
    not_allowed = nginx.get("/", method="POST")
    assert not_allowed.status == 405 and not_allowed.headers["cache-control"] == "no-store"


def test_missing_pages_get_the_sites_404_page(nginx: Served) -> None:
    page = (nginx.site / "404.html").read_bytes()
    for path in ["/no-such-page/", "/causes/missing.html", "/_headers", "/_nginx-headers.conf"]:
        response = nginx.get(path)
        assert response.status == 404, path
        assert response.body == page, path
        assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert nginx.get("/no-such-page/", "gzip").body == (nginx.site / "404.html.gz").read_bytes()


def test_a_folder_without_slash_redirects_relatively(nginx: Served) -> None:
    response = nginx.get("/causes")
    assert response.status == 301
    assert response.headers["location"] == "/causes/"


def test_a_folder_without_an_index_page_gets_the_sites_404_page(nginx: Served) -> None:
    """Not nginx's own 403 page, and with the same headers as every other answer."""
    page = (nginx.site / "404.html").read_bytes()
    expected = {k.lower(): v for k, v in expected_headers(nginx.site).items()}
    for path in ["/assets/", "/search/", "/assets/javascripts/lunr/", "/search/?q=cramp"]:
        assert not (nginx.site / path.split("?")[0].lstrip("/") / "index.html").exists()
        response = nginx.get(path)
        assert response.status == 404, path
        assert response.body == page, path
        for name, value in expected.items():
            assert response.headers.get(name) == value, f"{path}: {name}"
    assert nginx.get("/assets", "gzip").status == 301
    assert nginx.get("/assets/", "gzip").body == (nginx.site / "404.html.gz").read_bytes()


def test_the_logs_never_hold_what_readers_searched(logged_nginx: tuple[Served, Path]) -> None:
    """Health searches are sensitive: the logs keep paths, never query strings, referrers or browsers."""
    served, access_log = logged_nginx
    sent = {"Referer": "http://127.0.0.1/from-a-referring-page", "User-Agent": "reader-agent/1.0"}
    requests = {"/?h=cramp+pregnant": "/", "/causes/?q=secret": "/causes/",
                "/no-such-page/?h=cramp+pregnant": "/no-such-page/", "/search/?q=secret": "/search/",
                "/causes/missing.html?q=secret": "/causes/missing.html", "/causes?q=secret": "/causes"}
    for path in requests:
        served.get(path, headers=sent)
    lines = [f'"GET {p} HTTP/1.1"' for p in requests.values()]
    logged = read_when_written(access_log, lines)
    for line in lines:
        assert line in logged, f"{line} not logged"
    errors = served.stderr.read_text(encoding="utf-8")
    for text, name in ((logged, "access log"), (errors, "error log")):
        for word in ["pregnant", "secret", "h=", "q=", "from-a-referring-page", "reader-agent"]:
            assert word not in text, f"{word!r} in the {name}"


def enable_https_example(template: str, https_port: int, http_port: int, certificate: Path, key: Path) -> str:
    """deploy/nginx.conf with its commented HTTPS example switched on, as its comments tell an admin to.

    Loopback ports stand in for 443 and 80, and the IPv6 lines go (the test machine may have no IPv6).
    """
    text = template.replace("        listen @LISTEN@;\n", "")
    text = re.sub(r"^(\s*)#(?=[^\s#])", r"\1", text, flags=re.M)  # `#directive` is commented-out config
    text = re.sub(r"^\s*listen \[::\]:.*\n", "", text, flags=re.M)
    text = text.replace("listen 443 ", f"listen 127.0.0.1:{https_port} ")
    text = text.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
    text = text.replace("/etc/ssl/certs/@SERVER_NAME@.pem", str(certificate))
    text = text.replace("/etc/ssl/private/@SERVER_NAME@.key", str(key))
    return text.replace("@SERVER_NAME@", "localhost")


def test_the_https_example_serves_the_site_and_plain_http_redirects_to_it(built_site: Path, tmp_path: Path) -> None:
    openssl = shutil.which("openssl")
    if not openssl:
        pytest.skip("openssl is not installed (it makes the test certificate)")
    certificate, key = tmp_path / "localhost.pem", tmp_path / "localhost.key"
    subprocess.run([openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-days", "2", "-subj", "/CN=localhost", "-keyout", str(key), "-out", str(certificate)],
                   check=True, capture_output=True)
    deploy = tmp_path / "deploy"
    deploy.mkdir()
    shutil.copy(RUN_NGINX, deploy / "run-nginx.sh")
    template = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    assert "listen 443 ssl http2;" in template and "return 301 https://$host$request_uri;" in template
    http_port = 0

    def write_config(https_port: int) -> None:
        nonlocal http_port
        http_port = free_port()
        while http_port == https_port:  # two free ports, not the same one twice
            http_port = free_port()
        config = enable_https_example(template, https_port, http_port, certificate, key)
        assert "#listen" not in config and "@SERVER_NAME@" not in config
        (deploy / "nginx.conf").write_text(config, encoding="utf-8")

    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with running_nginx(built_site, tmp_path, script=deploy / "run-nginx.sh", before_start=write_config) as served:
        got: dict[str, Any] = {}

        def fetch() -> bool:
            # A busy machine has reset the first handshake while nginx was still starting: ask again for a while.
            connection = http.client.HTTPSConnection("127.0.0.1", served.port, timeout=10, context=context)
            try:
                connection.request("GET", "/causes/", headers={"Host": "localhost"})
                answer = connection.getresponse()
                got.update(status=answer.status, body=answer.read(), tls=connection.sock.version(),
                           headers={k.lower(): v for k, v in answer.getheaders()})
                return True
            finally:
                connection.close()

        assert wait_until(fetch, 15, every=0.5), "no answer over HTTPS"
        headers = got["headers"]
        assert got["status"] == 200 and got["body"] == (built_site / "causes" / "index.html").read_bytes()
        assert got["tls"] in {"TLSv1.2", "TLSv1.3"}
        for name, value in expected_headers(built_site).items():
            assert headers.get(name.lower()) == value, name
        h2 = ssl.create_default_context()
        h2.check_hostname, h2.verify_mode = False, ssl.CERT_NONE
        h2.set_alpn_protocols(["h2", "http/1.1"])
        with socket.create_connection(("127.0.0.1", served.port), timeout=10) as raw, \
                h2.wrap_socket(raw, server_hostname="localhost") as tls:
            assert tls.selected_alpn_protocol() == "h2"
        plain = http.client.HTTPConnection("127.0.0.1", http_port, timeout=10)
        try:
            plain.request("GET", "/causes/?q=cramp", headers={"Host": "localhost"})
            redirect = plain.getresponse()
            redirect.read()
            assert redirect.status == 301
            assert redirect.getheader("Location") == "https://localhost/causes/?q=cramp"
        finally:
            plain.close()


# --- deploy/run-nginx.sh -------------------------------------------------------------------------

@pytest.mark.parametrize("signal_name", ["SIGTERM", "SIGINT", "SIGQUIT", "SIGHUP"])
def test_stopping_the_script_stops_nginx_and_removes_its_temporary_prefix(built_site: Path, tmp_path: Path,
                                                                          signal_name: str) -> None:
    require_nginx()
    if signal.getsignal(getattr(signal, signal_name)) == signal.SIG_IGN:
        # Run under nohup (SIGHUP ignored), the script inherits the ignored signal, and POSIX lets no
        # shell trap a signal that was ignored when it started: nothing to test here.
        pytest.skip(f"{signal_name} is ignored in this test run, so the script cannot trap it")
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    port = free_port()
    process = subprocess.Popen(["sh", str(RUN_NGINX), str(built_site), f"127.0.0.1:{port}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env={**os.environ, "NGINX": NGINX, "TMPDIR": str(temporary)})
    try:
        assert wait_for_port(port, process), "nginx did not start"
        [prefix] = list(temporary.iterdir())
        assert (prefix / "nginx.conf").is_file() and (prefix / "nginx.pid").is_file()
        assert Served(built_site, port, prefix).get("/").status == 200
        process.send_signal(getattr(signal, signal_name))
        process.wait(timeout=10)
    finally:
        stop(process)
    assert not port_is_open(port), "nginx outlived the script"
    assert list(temporary.iterdir()) == [], "the temporary prefix was left behind"


def test_a_given_prefix_is_kept(built_site: Path, tmp_path: Path) -> None:
    with running_nginx(built_site, tmp_path, env={"ACCESS_LOG": "off"}) as served:
        assert served.get("/").status == 200
    assert (tmp_path / "prefix-0" / "nginx.conf").is_file()
    # nginx reads $NGINX (the tests' and benchmark's binary) as inherited sockets: the script drops it.
    assert "[emerg]" not in served.stderr.read_text(encoding="utf-8")


def test_a_path_that_nginx_would_misread_is_refused(built_site: Path, tmp_path: Path) -> None:
    """In nginx.conf, `$` starts a variable even in quotes; the script says so instead of serving the wrong folder."""
    require_nginx()
    site = tmp_path / "price$site"
    shutil.copytree(built_site, site)
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    result = subprocess.run(["sh", str(RUN_NGINX), str(site), f"127.0.0.1:{free_port()}"], capture_output=True,
                            text=True, timeout=30, env={**os.environ, "NGINX": NGINX, "TMPDIR": str(temporary)})
    assert result.returncode == 1
    assert "cannot use a path with a $" in result.stderr
    assert list(temporary.iterdir()) == []


def test_a_local_preview_keeps_no_access_log_unless_asked(built_site: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing rotates a preview's log, so it would only grow (ACCESS_LOG=FILE asks for one)."""
    monkeypatch.delenv("ACCESS_LOG", raising=False)
    with running_nginx(built_site, tmp_path) as served:
        for _ in range(3):
            assert served.get("/?h=cramp").status == 200
    prefix = tmp_path / "prefix-0"
    assert "access_log off;" in (prefix / "nginx.conf").read_text(encoding="utf-8")
    assert not [p for p in prefix.rglob("*") if p.is_file() and "log" in p.name]


def test_paths_with_shell_and_sed_metacharacters(built_site: Path, tmp_path: Path) -> None:
    """`&`, `|` and `\\` mean something to sed; in nginx.conf a space ends a word, `\\` and `"` escape."""
    odd = tmp_path / 'a & b|c d\\e "f"'
    site = odd / "site"
    shutil.copytree(built_site, site)
    access_log = odd / "access log.txt"
    with running_nginx(site, odd, env={"ACCESS_LOG": str(access_log)}) as served:
        expected = {k.lower(): v for k, v in expected_headers(site).items()}
        for path in ["/", "/causes/", "/no-such-page/"]:
            response = served.get(path)
            assert response.status == (404 if "no-such" in path else 200), path
            for name, value in expected.items():
                assert response.headers.get(name) == value, f"{path}: {name}"
        assert served.get("/").body == (site / "index.html").read_bytes()
        assert '"GET /causes/ HTTP/1.1"' in read_when_written(access_log, ["/causes/"])
    assert (odd / "prefix-0" / "nginx.conf").is_file()


# --- Chromium through nginx, with the policy enforced ----------------------------------------------



def console_problems(messages: list[str]) -> list[str]:
    return [m for m in messages if any(w in m.lower() for w in ("content security policy", "content-security-policy",
                                                                   "permissions-policy", "refused", "violates"))]


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [{"width": 360, "height": 640}, {"width": 1280, "height": 800}],
                         ids=["phone", "desktop"])
def test_pages_load_under_the_policy_without_violations(browser: Any, nginx: Served,
                                                        viewport: dict[str, int]) -> None:
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    messages: list[str] = []
    page.on("console", lambda m: messages.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: messages.append(f"pageerror: {e}"))
    page.add_init_script(WATCH_VIOLATIONS)
    encodings = set()
    page.on("response", lambda r: encodings.add(r.headers.get("content-encoding", "identity")))
    try:
        for path in ["/", "/causes/", "/treatments/", "/when-to-see-a-doctor/", "/glossary/", "/sources/"]:
            response = page.goto(nginx.url(path))
            assert response is not None and response.status == 200
            assert "content-security-policy" in response.headers
            page.wait_for_load_state("networkidle")
            if viewport["width"] < 600:  # the navigation drawer draws its icons from data: URLs
                page.locator("label.md-header__button[for=__drawer]").click()
                settle(page)
            else:  # a glossary tooltip positions itself through the CSSOM
                term = page.locator("article abbr[title]:visible").first  # not one folded inside <details>
                if term.count():
                    term.hover()
                    settle(page)
            assert page.evaluate("window.__violations") == [], path
        page.emulate_media(color_scheme="dark")  # the script that follows the device's setting
        page.goto(nginx.url("/"))
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
        assert page.evaluate("window.__violations") == []
        assert messages == [], messages
        assert encodings & {"gzip", "br"}, "Chromium got nothing compressed"
    finally:
        context.close()


@pytest.mark.browser
def test_search_returns_results_under_the_policy(browser: Any, nginx: Served) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    messages: list[str] = []
    page.on("console", lambda m: messages.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: messages.append(f"pageerror: {e}"))
    page.add_init_script(WATCH_VIOLATIONS)
    try:
        page.goto(nginx.url("/causes/"))
        page.wait_for_load_state("networkidle")
        page.locator(".md-search__input").click()
        page.keyboard.type("charley horse", delay=20)
        page.locator(".md-search-result__item").first.wait_for(timeout=10_000)
        assert page.locator(".md-search-result__item").count() >= 1
        page.locator(".md-search-result__item a").first.click()
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__violations") == []
        assert messages == [], messages
    finally:
        context.close()


@pytest.mark.browser
def test_the_404_page_renders_under_the_policy(browser: Any, nginx: Served) -> None:
    page = browser.new_page()
    messages: list[str] = []
    page.on("console", lambda m: messages.append(f"{m.type}: {m.text}"))
    page.add_init_script(WATCH_VIOLATIONS)
    try:
        response = page.goto(nginx.url("/deep/missing/page/"))
        assert response is not None and response.status == 404
        page.wait_for_load_state("networkidle")
        built = BeautifulSoup((nginx.site / "404.html").read_text(encoding="utf-8"), "html.parser").h1
        assert built is not None and page.locator("h1").inner_text() == built.get_text(strip=True)
        assert page.locator("link[rel=stylesheet]").count() >= 1
        assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") != "static"
        assert page.evaluate("window.__violations") == []
        assert console_problems(messages) == []
    finally:
        page.close()


@pytest.mark.browser
def test_the_service_worker_keeps_the_site_under_the_policy_and_serves_it_offline(browser: Any,
                                                                                 nginx: Served) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 640})
    page = context.new_page()
    messages: list[str] = []
    page.on("console", lambda m: messages.append(f"{m.type}: {m.text}"))
    page.add_init_script(WATCH_VIOLATIONS)
    try:
        page.goto(nginx.url("/causes/"))
        page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
        page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=30_000)
        assert page.evaluate("() => caches.keys()"), "the worker kept nothing"
        context.set_offline(True)
        for path in ["/faq/", "/when-to-see-a-doctor/", "/no/such/page/"]:
            response = page.goto(nginx.url(path))
            assert response is not None and response.status == 200, path
            assert "content-security-policy" in response.headers, f"{path}: kept without its headers"
            page.wait_for_load_state("networkidle")
            assert page.evaluate("window.__violations") == [], path
        assert page.locator("h1").inner_text() == "You are offline"
        assert console_problems(messages) == []
    finally:
        context.close()
