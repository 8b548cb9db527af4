"""The command line, a thin shell over the services: ``python -m workshop COMMAND``.

``main(argv) -> int``: exit status 0 done, 1 failure, 2 bad input (file, id, arguments), with
one clear line on stderr and never a traceback for bad input (set ``KOPKARTA_DEBUG=1`` to see
tracebacks of unexpected failures). The command line is an operator's tool: whoever can read
the database file is its administrator.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any, Sequence

from . import demo
from .errors import BadInput, KopkartaError
from .exports import FORMATS

PROG = "python -m workshop"


class _ArgumentError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2 (instead of usage + exit)
        raise _ArgumentError(f"{self.prog}: {message} (see --help)")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog=PROG, description="Köpkarta: map how a customer segment buys.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    db_help = (
        "database: a DuckDB file, duckdb:///path or postgresql://user:password@host:port/db "
        "(default: $KOPKARTA_DB or sessions/kopkarta.duckdb)"
    )

    imp = sub.add_parser("import", help="read a map file into the database and print the workshop id")
    imp.add_argument("file")
    imp.add_argument("--db", help=db_help)
    mode = imp.add_mutually_exclusive_group()
    mode.add_argument("--replace", action="store_true", help="swap an existing workshop with the same id atomically")
    mode.add_argument("--as-new", action="store_true", help="store under a fresh workshop id")

    exp = sub.add_parser("export", help="write a workshop's map in a format")
    exp.add_argument("workshop")
    exp.add_argument("--format", required=True, help="one of: " + ", ".join(FORMATS))
    exp.add_argument(
        "--segment", metavar="ID",
        help="the segment of a pdf, docx or onepager (needed when the map has several); battlecard: all when omitted",
    )
    exp.add_argument("--out", required=True, help="output file, or - for standard output")
    exp.add_argument("--db", help=db_help)

    ana = sub.add_parser("analyze", help="findings and no-decision risk of a workshop or a map file")
    ana.add_argument("target", metavar="WORKSHOP|FILE")
    ana.add_argument("--json", action="store_true", help="machine output (map-format.md)")
    ana.add_argument("--lang", choices=["en", "sv", "nb"], help="language of the messages (default: the workshop's)")
    ana.add_argument("--db", help=db_help)

    lst = sub.add_parser("list", help="the workshops in the database")
    lst.add_argument("--json", action="store_true")
    lst.add_argument("--db", help=db_help)

    dem = sub.add_parser("demo", help="load the bundled example workshop")
    dem.add_argument("--db", help=db_help)

    xpl = sub.add_parser("explore", help="buying motives and USP coverage across every workshop")
    xpl.add_argument("--json", action="store_true", help='machine output: {"motives": [...], "usp_coverage": [...]}')
    xpl.add_argument("--lang", choices=["en", "sv", "nb"], default="en", help="language of the text output")
    xpl.add_argument("--threshold", type=float, default=None, help="similarity (50-100) at which motive texts are grouped")
    xpl.add_argument("--measure", choices=["both", "importance", "dots"], default="both", help="weight of a motive")
    xpl.add_argument("--db", help=db_help)

    bak = sub.add_parser(
        "backup", help="write a consistent copy of the database (a DuckDB file's copy; pg_dump's custom format for PostgreSQL)"
    )
    bak.add_argument("--out", required=True)
    bak.add_argument("--db", help=db_help)

    shr = sub.add_parser("share", help="print the link that shows a deal's plan to the customer, or end it")
    shr.add_argument("workshop")
    shr.add_argument("--deal", required=True, help="the deal's id")
    shr.add_argument("--revoke", action="store_true", help="end the deal's link: it opens nothing any more")
    shr.add_argument("--url", help="the app's address for the link (default: $KOPKARTA_PUBLIC_URL, else this machine's)")
    shr.add_argument("--db", help=db_help)

    mig = sub.add_parser("migrate", help="move a DuckDB file's workshops into a PostgreSQL database, and check them")
    mig.add_argument("--from", dest="source", required=True, metavar="FILE.duckdb", help="the DuckDB file (not in use)")
    mig.add_argument("--to", dest="target", required=True, metavar="postgresql://...", help="the PostgreSQL database")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    except _ArgumentError as exc:
        _err(str(exc))
        return 2
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    try:
        return _COMMANDS[args.command](args)
    except KopkartaError as exc:
        _err(f"{PROG} {args.command}: {exc}")
        return exc.exit_status
    except KeyboardInterrupt:
        _err(f"{PROG} {args.command}: interrupted")
        return 1
    except Exception as exc:  # noqa: BLE001 - the last line of defence of a command line
        if os.environ.get("KOPKARTA_DEBUG"):
            raise
        _err(f"{PROG} {args.command}: unexpected failure: {type(exc).__name__}: {exc}")
        return 1


def _err(line: str) -> None:
    print(line.replace("\n", " "), file=sys.stderr)


def _store(args):
    from .store import open_store

    return open_store(args.db)


# -- commands ----------------------------------------------------------------------------
def _cmd_import(args) -> int:
    from .model.reader import read_map_file
    from .services.maps import import_document

    doc = read_map_file(args.file)  # validated before the database is even opened
    mode = "replace" if args.replace else "as_new" if args.as_new else "new"
    with _store(args) as store:
        result = import_document(store, doc, mode=mode, actor="cli")
    print(result.workshop_id)
    if result.created:
        _err(f"join code {result.created.join_code}; facilitator key {result.created.facilitator_key} (shown once: save it)")
    return 0


def _cmd_export(args) -> int:
    from .exports import available, render
    from .services.maps import export_document

    if args.format not in available():
        raise BadInput(f"unknown format '{args.format}'; known formats: {', '.join(available())}")
    with _store(args) as store:
        doc = export_document(store, args.workshop)
    data = render(doc, args.format, segment=args.segment)
    if args.out == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return 0
    out = Path(args.out)
    if out.is_dir():
        raise BadInput(f"{out} is a folder; give a file name")
    tmp = out.with_name(out.name + ".part")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, out)  # never leave a half-written file under the real name
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise BadInput(f"cannot write {out}: {exc.strerror}") from exc
    return 0


def _cmd_analyze(args) -> int:
    from .analysis import analyze
    from .model.reader import read_map_file
    from .services.maps import export_document

    target = Path(args.target)
    if target.suffix.lower() == ".json" or target.is_file():
        doc = read_map_file(target)  # a file is analysed directly: no database needed
    else:
        with _store(args) as store:
            doc = export_document(store, args.target)
    result = analyze(doc, lang=args.lang)
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=1))
    else:
        print(_analysis_text(doc, result, args.lang or doc["workshop"].get("language", "en")))
    return 0


def _analysis_text(doc: dict[str, Any], result, lang: str) -> str:
    from .i18n import t

    names = {s["id"]: s["name"] for s in doc["segments"]}
    lines = [f"{doc['workshop']['title']} ({doc['workshop']['id']})"]
    for seg in result.segments:
        lines.append("")
        lines.append(f"{names.get(seg.id, seg.id)} [{seg.id}]: {t('cli.risk', lang)} {seg.risk}/100")
        if not seg.findings:
            lines.append(f"  {t('cli.no_findings', lang)}")
        for f in seg.findings:
            lines.append(f"  - {f.code}: {f.message}")
    return "\n".join(lines)


def _cmd_list(args) -> int:
    with _store(args) as store:
        rows = store.list_workshops()
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "id": w.id,
                        "title": w.title,
                        "language": w.language,
                        "join_code": w.join_code,
                        "counts": w.counts,
                        "last_change": w.last_change.isoformat() if w.last_change else None,
                        "version": w.version,
                    }
                    for w in rows
                ],
                ensure_ascii=False,
                indent=1,
            )
        )
        return 0
    if not rows:
        print("no workshops yet: create one in the app, or run 'python -m workshop demo'")
        return 0
    for w in rows:
        counts = ", ".join(f"{n} {k}" for k, n in sorted(w.counts.items()))
        when = w.last_change.strftime("%Y-%m-%d %H:%M") if w.last_change else "-"
        print(f"{w.id}\t{w.join_code}\t{w.language}\t{when}\t{w.title}\t({counts})")
    return 0


def _cmd_demo(args) -> int:
    from .services.maps import import_document

    doc = demo.example()
    with _store(args) as store:
        if store.exists(doc["workshop"]["id"]):
            print(doc["workshop"]["id"])
            _err("the demo workshop is already in the database; nothing changed")
            return 0
        result = import_document(store, doc, actor="cli")
    print(result.workshop_id)
    _err(f"join code {result.created.join_code}; facilitator key {result.created.facilitator_key} (shown once: save it)")
    return 0


def _cmd_explore(args) -> int:
    from .analysis import explore_tables
    from .analysis.grouping import DEFAULT_THRESHOLD, MAX_THRESHOLD, MIN_THRESHOLD
    from .services import explore

    threshold = DEFAULT_THRESHOLD if args.threshold is None else args.threshold
    if not MIN_THRESHOLD <= threshold <= MAX_THRESHOLD:
        raise BadInput(f"--threshold must be between {MIN_THRESHOLD} and {MAX_THRESHOLD}")
    with _store(args) as store:  # the operator's tool: every workshop
        data = explore.load(store, [w.id for w in store.list_workshops()])
    result = explore_tables.report(data, threshold, measure=args.measure)
    if args.json:
        out = {
            "motives": [r.record(flat=False) for r in result.motives],
            "usp_coverage": [r.record() for r in result.usps],
        }
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return 0
    print(_explore_text(result, len(data.workshops), args.measure, args.lang))
    return 0


def _explore_text(result, workshops: int, measure: str, lang: str) -> str:
    from .i18n import t

    def cut(text: str, width: int) -> str:
        text = " ".join(text.split())
        return text if len(text) <= width else text[: width - 1] + "…"

    def fn(code: str) -> str:
        return t("cli.explore.no_role", lang) if code == "none" else t(f"option.role_function.{code}", lang)

    lines = [t("cli.explore.motives", lang, workshops=workshops, measure=t(f"explore.measure.{measure}", lang)), ""]
    if not result.motives:
        lines.append("  " + t("cli.explore.empty", lang))
    else:
        lines.append(
            f"{t('cli.explore.motive', lang):<48} {t('cli.explore.weight', lang):>7} {t('cli.explore.workshops', lang):>9} "
            f"{t('cli.explore.segments', lang):>9}  {t('cli.explore.functions', lang)}"
        )
        for r in result.motives:
            top = sorted(r.by_function.items(), key=lambda kv: -kv[1])[:3]
            lines.append(
                f"{cut(r.motive, 48):<48} {r.weight:>7} {r.workshops:>9} {r.segments:>9}  "
                + ", ".join(f"{fn(k)} {v}" for k, v in top)
            )
    lines += ["", t("cli.explore.usps", lang), ""]
    if not result.usps:
        lines.append("  " + t("cli.explore.empty", lang))
    else:
        lines.append(f"{t('cli.explore.usp', lang):<48} {t('cli.explore.segments', lang):>9}  {t('cli.explore.serves', lang)}")
        for r in result.usps:
            serves = "; ".join(cut(m, 40) for m in r.motives) if r.motives else "!! " + t("cli.explore.serves_none", lang)
            lines.append(f"{cut(r.usp, 48):<48} {r.segments:>9}  {serves}")
    return "\n".join(lines)


def _cmd_backup(args) -> int:
    with _store(args) as store:
        out = store.backup(args.out)
    print(out)
    return 0


def _cmd_share(args) -> int:
    from .services import plans, sharing

    with _store(args) as store:
        if args.revoke:
            plans.revoke_deal(store, args.workshop, args.deal, "cli")
            print(f"the plan link of deal {args.deal} is ended")
            return 0
        token = plans.share_deal(store, args.workshop, args.deal, "cli")
    base = sharing.app_base(args.url or "http://localhost:8501/")
    print(plans.link(base.link, token))
    if base.local_only:
        _err(f"{PROG} share: only this machine can open that address; set KOPKARTA_PUBLIC_URL or --url")
    return 0


def _cmd_migrate(args) -> int:
    from .services.migrate import migrate
    from .store import open_store, scheme_of

    if scheme_of(args.source) not in (None, "duckdb"):
        raise BadInput("--from names a DuckDB file")
    if scheme_of(args.target) not in ("postgresql", "postgres"):
        raise BadInput("--to names a PostgreSQL database: postgresql://user:password@host:port/database")
    if scheme_of(args.source) is None and not Path(args.source).is_file():
        raise BadInput(f"{args.source}: no such file")
    with open_store(args.source) as source, open_store(args.target) as target:
        moved = migrate(source, target)
    rows = ", ".join(f"{n} {table}" for table, n in moved.rows.items() if n)
    print(f"moved {moved.workshops} workshop(s), every export checked identical ({rows})")
    return 0


_COMMANDS = {
    "import": _cmd_import,
    "export": _cmd_export,
    "analyze": _cmd_analyze,
    "list": _cmd_list,
    "demo": _cmd_demo,
    "backup": _cmd_backup,
    "explore": _cmd_explore,
    "migrate": _cmd_migrate,
    "share": _cmd_share,
}
