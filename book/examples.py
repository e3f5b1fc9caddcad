#!/usr/bin/env python3
"""Writes the guide's pages (book/src) from their sources (book/pages), running every
example so that what the guide shows is what onus prints.

In a page:  '@ cmd'   -> '$ cmd' and its output (stdout and stderr)
            '@N cmd'  -> the same, output cut to N lines, then '...'
            '@! cmd'  -> run silently (setup); a failure is reported
            '@? cmd'  -> '$ cmd', its output, then '$ echo $?' and the exit code
Commands run in a scratch folder holding a copy of samples/, with the onus binary given
by $ONUS (default: the debug build under $CARGO_TARGET_DIR or target/) first on PATH.
Edit book/pages, never book/src. `--check` fails when book/src is not up to date.

The chapter "Sample site" (book/src/sample/) is what `onus book` writes for
samples/inventory.csv, its pages listed at the end of SUMMARY.md.
"""
import os, pathlib, re, shutil, subprocess, sys, tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
SRC, DST = ROOT / 'book' / 'pages', ROOT / 'book' / 'src'
target = pathlib.Path(os.environ.get('CARGO_TARGET_DIR', ROOT / 'target'))
binary = pathlib.Path(os.environ.get('ONUS', target / 'debug' / 'onus')).resolve()
if not binary.exists():
    sys.exit(f'no onus binary at {binary}: build it first (cargo build)')

scratch = pathlib.Path(tempfile.mkdtemp(prefix='onus-book-'))
bindir = scratch / 'bin'
bindir.mkdir()
(bindir / 'onus').symlink_to(binary)
env = dict(os.environ, PATH=f'{bindir}:{os.environ["PATH"]}')
env['SOURCE_DATE_EPOCH'] = '1767225600'  # 2026-01-01: pages must not change by the day

problems, stale = [], []


def emit(rel, text):
    """Writes book/src/<rel>, or with --check records it as stale if it differs."""
    dst = DST / rel
    if '--check' in sys.argv:
        if not dst.exists() or dst.read_text() != text:
            stale.append(str(rel))
    else:
        dst.parent.mkdir(parents=True, exist_ok=True)
        dst.write_text(text)

for page in sorted(SRC.rglob('*.md')):
    rel = page.relative_to(SRC)
    work = scratch / str(rel).replace('/', '_')
    work.mkdir()
    shutil.copytree(ROOT / 'samples', work / 'samples')
    out = []
    for line in page.read_text().split('\n'):
        m = re.match(r'^@(!|\?|\d+)? (.*)$', line)
        if not m:
            out.append(line)
            continue
        mode, cmd = m.group(1), m.group(2)
        p = subprocess.run(['bash', '-c', cmd], cwd=work, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        text = p.stdout.decode('utf-8', 'replace').rstrip('\n').replace(str(work), '.')
        if mode == '!':
            if p.returncode != 0:
                problems.append(f'{rel}: setup failed: {cmd}: {text}')
            continue
        out.append('$ ' + cmd)
        lines = text.split('\n') if text else []
        if mode and mode.isdigit() and len(lines) > int(mode):
            lines = lines[:int(mode)] + ['...']
        out.extend(lines)
        if mode == '?':
            out += ['$ echo $?', str(p.returncode)]
    if '--check' in sys.argv and str(rel) == 'SUMMARY.md':
        continue  # checked below, with the sample site's entries
    emit(rel, '\n'.join(out))
# The sample site: `onus book` on the samples, as a chapter of the guide.
site = scratch / 'site'
p = subprocess.run([str(binary), 'book', 'samples/inventory.csv', '-f', 'soc2', '--date', '2026-01-01',
                    '--org', 'Example Corp', '-q', '-o', str(site)], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
if p.returncode != 0:
    problems.append('onus book on the samples failed: ' + p.stdout.decode())
else:
    generated = {}
    for f in sorted((site / 'src').rglob('*.md')):
        rel = f.relative_to(site / 'src')
        if str(rel) != 'SUMMARY.md':
            generated[pathlib.Path('sample') / rel] = f.read_text()
    entries = []
    for line in (site / 'src' / 'SUMMARY.md').read_text().split('\n'):
        m = re.match(r'^(\s*)(- )?\[(.*)\]\((.*)\)$', line)
        if m:
            indent = '  ' + m.group(1) if m.group(2) else ''
            entries.append(f'{indent}- [{m.group(3)}](sample/{m.group(4)})')
    summary_path = DST / 'SUMMARY.md'
    summary = (summary_path.read_text() if '--check' not in sys.argv else (SRC / 'SUMMARY.md').read_text())
    summary = summary.split('\n# Sample site')[0].rstrip('\n') + '\n\n# Sample site\n\n' + '\n'.join(entries) + '\n'
    generated[pathlib.Path('SUMMARY.md')] = summary
    for rel, text in generated.items():
        emit(rel, text)
    # The Word document the site's introduction links, byte for byte.
    docx = (site / 'src' / 'responsibility-matrix.docx').read_bytes()
    dst = DST / 'sample' / 'responsibility-matrix.docx'
    if '--check' in sys.argv:
        if not dst.exists() or dst.read_bytes() != docx:
            stale.append('sample/responsibility-matrix.docx')
    else:
        dst.write_bytes(docx)
shutil.rmtree(scratch)
for p in problems:
    print(p, file=sys.stderr)
if stale:
    print('book/src is out of date for: ' + ', '.join(stale) + '; run python3 book/examples.py', file=sys.stderr)
sys.exit(1 if problems or stale else 0)
