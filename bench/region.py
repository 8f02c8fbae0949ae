"""A province year through the region notebook's cells, by hand: ``.venv/bin/python bench/region.py --agencies 3000``.

Builds a synthetic province (10 cities × 10 counties, each county a consolidated government and its
departments; realistic tables from the demo's generator, distinct narratives with planted copied
pairs from ``bench/copies.py``) in a fresh store and registry, then times what the region notebook
computes for the province (roll-up, every check on every report, copy detection, ranking) and, apart,
what exporting costs (the sections' HTML, HTML and PDF pages, the notice and the problem list). It
prints medians of ``--repeat`` runs, peak memory, and copy detection's recall and precision against
the planted pairs.
"""
from __future__ import annotations

import argparse
import importlib.util
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kit.demo import numbers  # noqa: E402
from kit.registry import Agency, Region, Registry  # noqa: E402
from kit.store import Store  # noqa: E402


def _copies_module():  # bench/ is no package: load its sibling by path
    spec = importlib.util.spec_from_file_location("bench_copies", Path(__file__).with_name("copies.py"))
    mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def province(folder: Path, n: int, copies: int, seed: int = 0) -> tuple[Path, Path, set[tuple[str, str]]]:
    """Registry and store of ``n`` agencies of one year (bench/copies.py's); returns them and the planted pairs."""
    reports, planted = _copies_module().synthetic_year(n, copies, seed)
    rng = random.Random(seed)
    regions = [Region("P", "某省")]
    agencies: list[Agency] = []
    per_county = max(2, n // 100)
    for i, r in enumerate(reports):
        city, county = i // (per_county * 10) % 10, i // per_county % 10
        cname, kname = f"第{city + 1}市", f"第{city + 1}市第{county + 1}县"
        if not any(x.name == cname for x in regions):
            regions.append(Region(f"C{city}", cname, "某省"))
        if not any(x.name == kname for x in regions):
            regions.append(Region(f"K{city}-{county}", kname, cname))
        gov = i % per_county == 0  # the county's first agency is its government, consolidating the rest
        agencies.append(Agency(r.key or "", r.agency or "", "县级政府" if gov else "县直部门", kname,
                               "" if gov else agencies[i - i % per_county].id if i % per_county else "", gov))
    registry = folder / "registry.csv"
    Registry(agencies, regions=regions).save(registry)
    store = folder / "s.sqlite"
    for r in reports:
        r.cells.update(numbers(rng, rng.choice([2, 5, 10, 30, 120]), {}))
    for i, r in enumerate(reports):  # a county government's tables add up its departments'
        if agencies[i].aggregate:
            kids = [k for k, a in zip(reports, agencies) if a.parent == agencies[i].id]
            for cid in r.cells:
                if cid.startswith(("t3.", "t4.")):
                    r.cells[cid] = sum(k.cells[cid] or 0 for k in kids)
    with Store(store) as s:
        for r in reports:
            s.put(r)
    return registry, store, planted


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--agencies", type=int, default=3000)
    ap.add_argument("--copies", type=int, default=25)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    from kit.region import sections as rs
    from kit.region.documents import write_documents
    from kit.region.view import build
    from kit.report.render import page

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        registry, store, planted = province(folder, args.agencies, args.copies)
        year = _copies_module().YEAR
        print(f"province: {args.agencies} agencies, {args.copies} planted copied pairs, built in "
              f"{time.perf_counter() - t0:.1f} s")
        cells, exports = [], []
        for _ in range(args.repeat):
            t = time.perf_counter()
            view = build("某省", year, store, registry)
            cells.append(time.perf_counter() - t)
            t = time.perf_counter()
            body = "".join(f(view) for f in (rs.title_html, rs.coverage_html, rs.rollup_html, rs.findings_html,
                                             rs.copying_html, rs.scores_html, rs.trend_html))
            html = page(body)
            t_html = time.perf_counter() - t
            t = time.perf_counter()
            import weasyprint

            pdf = weasyprint.HTML(string=html).write_pdf()
            t_pdf = time.perf_counter() - t
            t = time.perf_counter()
            write_documents(view, folder / "out")
            exports.append((t_html, t_pdf, time.perf_counter() - t))
        found = {(p.a, p.b) for p in view.copies}
        hit = found & planted
        print(f"notebook cells (roll-up, checks, copy detection, ranking): median {statistics.median(cells):.1f} s "
              f"of {', '.join(f'{c:.1f}' for c in cells)}")
        print("export, median: HTML {:.1f} s ({:.1f} MB), PDF {:.1f} s ({:.1f} MB, {} agencies' rows), "
              "notice and problem list {:.1f} s".format(
                  statistics.median(e[0] for e in exports), len(html.encode()) / 1e6,
                  statistics.median(e[1] for e in exports), len(pdf) / 1e6, len(view.ry.members),
                  statistics.median(e[2] for e in exports)))
        print(f"copy detection: {len(found)} pairs found, {len(hit)} of {len(planted)} planted "
              f"(recall {len(hit) / len(planted):.0%}, precision {len(hit) / len(found) if found else 1:.0%})")
        print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
