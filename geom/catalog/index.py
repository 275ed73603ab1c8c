"""`index.html`: the catalog as one static page (no server, no scripts, no dates, relative
links only), one block per part and panel with its preview, key data and files."""

from __future__ import annotations

import html
from collections.abc import Sequence

from geom.catalog.jobs import Options, Result
from geom.model.conditions import Conditions
from geom.model.report import NOT_APPLICABLE
from geom.model.units import band

INDEX = "index.html"


def conditions_text(c: Conditions) -> str:
    """The parts' fit conditions in words, for the index page (mm)."""
    sheet = (
        "sheets that grip" if c.sheet is None else f"sheet {c.sheet.min:g} .. {c.sheet.max:g} mm"
    )
    masked = ", openings masked" if c.masked else ""
    shop = f", shop +/-{c.shop.tolerance:g} mm" if c.shop else ""
    return (
        f"{sheet}, coating {c.coating.min:g} .. {c.coating.max:g} mm per face{masked}, "
        f"target {c.target}{shop}"
    )


_CSS = """
body { font-family: sans-serif; margin: 2em; background: #fafafa; color: #222; }
h1 { font-size: 1.4em; }
.part { background: #fff; border: 1px solid #ccc; border-radius: 6px; padding: 1em;
  margin: 0 0 1.2em 0; display: flex; gap: 1.5em; align-items: flex-start; }
.part img { max-width: 360px; max-height: 220px; border: 1px solid #eee; }
.fail { border-color: #c00000; }
.assumed { color: #8a4b00; font-weight: bold; }
table { border-collapse: collapse; } td, th { padding: 2px 8px; text-align: left; }
ul { padding-left: 1.2em; margin: 0.3em 0; }
"""


def index_html(results: Sequence[Result], options: Options) -> str:
    """The catalog page: one block per part, relative links only, no scripts, no dates."""
    e = html.escape
    ok = sum(r.ok for r in results)
    rows = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<title>geom catalog</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>geom catalog</h1>",
        f"<p>{len(results)} entries, {ok} built, {len(results) - ok} failed. "
        f"Parts: {e(conditions_text(options.conditions))}; panels: as their files say. "
        "All sizes in mm.</p>",
    ]
    for r in results:
        rows.append(f'<div class="part{"" if r.ok else " fail"}" id="{e(r.id)}">')
        png = r.data.get("files", {}).get("preview_png")
        if png:
            rows.append(
                f'<a href="{e(_href(png))}"><img src="{e(_href(png))}" alt="{e(r.id)}"></a>'
            )
        rows.append("<div>")
        rows.append(f"<h2>{e(r.id)}</h2>")
        d = r.data
        if d.get("name"):
            rows.append(f"<p>{e(str(d['name']))}</p>")
        if not r.ok:
            rows.append(f"<p><b>FAILED</b>: {e(r.error)}</p>")
        if d.get("cut_assumed"):
            rows.append(
                '<p class="assumed">ASSUMED cut dimensions: verify against the '
                "manufacturer's drawing before cutting</p>"
            )
        if "cut" in d:
            w, h, radius = d["cut"]
            bw, bh, tol = d["band"]
            facts = [
                ("poles", d["poles"] or "-"),
                ("pin spacing", f"{d['pin_spacing']:g} mm" if d["pin_spacing"] else "-"),
                ("mounts through", d["frame"] or "-"),
                ("grip range", f"{d['grip'][0]:g} .. {d['grip'][1]:g} mm finished plate"),
                ("sheet", f"{d['sheet'][0]:g} .. {d['sheet'][1]:g} mm"),
                ("finished opening", f"{bw:.2f} x {bh:.2f} mm +{tol:.2f}/0"),
                ("cut as drawn", f"{w:.3f} x {h:.3f} mm, R {radius:.2f}"),
                ("fit", "holds" if d["fit_ok"] else "FAILS"),
                ("3D fit", _verdict(d.get("fit3d_ok"))),
                ("drawing revision", d.get("revision", "-")),
            ]
            rows.append("<table>")
            rows += [f"<tr><th>{e(k)}</th><td>{e(str(v))}</td></tr>" for k, v in facts]
            rows.append("</table>")
        if "panel" in d:
            p = d["panel"]
            facts = [
                ("size", f"{p['size'][0]:g} x {p['size'][1]:g} mm"),
                ("sheet", f"{band(*p['sheet'])} mm"),
                ("coating", f"{p['coating'][0]:g} .. {p['coating'][1]:g} mm per face"),
                ("cutouts", p["cutouts"]),
                ("holes", p["holes"]),
                ("slots", p["slots"]),
                ("drawing revision", d.get("revision", "-")),
            ]
            rows.append("<table>")
            rows += [f"<tr><th>{e(k)}</th><td>{e(str(v))}</td></tr>" for k, v in facts]
            rows.append("</table>")
        if r.files:
            rows.append("<ul>")
            rows += [f'<li><a href="{e(_href(n))}">{e(n)}</a></li>' for n in r.files]
            rows.append("</ul>")
        rows.append("</div></div>")
    rows.append("</body></html>")
    return "\n".join(rows) + "\n"


def _verdict(ok: object) -> str:
    if ok == NOT_APPLICABLE:
        return NOT_APPLICABLE
    return "holds" if ok is True else "FAILS" if ok is False else "-"


def _href(name: str) -> str:
    """A relative link to a file in the output directory (safe characters escaped)."""
    from urllib.parse import quote

    return quote(name)
