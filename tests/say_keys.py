#!/usr/bin/env python3
"""say_keys.py: the narration keys, read from the sources (issue 10).

The engines (sim/core, net, dns, mail) write narration keys as string
constants; sim/explain/narrate.c lists the keys it knows (NARR_KEYS);
assets/lang/en.json and id.json translate them.  This fails, naming
the key, when
  - an engine writes a key that narrate.c does not list;
  - narrate.c lists a key that no engine writes (a dead sentence);
  - a listed key lacks a sentence in en.json or id.json, or a language
    file has a sentence for a key that is not listed.
A key may be built by a macro that puts a family in front, as
smtp_server.c's SK(ss, "x") ("smtp.x" or "lmtp.x" as the server is):
every family the macro's definition names is counted.
"""
import glob
import json
import os
import re
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENGINES = ['core', 'net', 'dns', 'mail', 'world']
# "unknown" is narrate.c's own: a record without a key (which test_trace_say forbids).
OWN = {'unknown'}


def main():
    nar = open(os.path.join(TOP, 'sim/explain/narrate.c')).read()
    listed = re.findall(r'X\(K_[A-Z0-9_]+,\s*"([^"]+)"\)', nar)
    families = {k.split('.')[0] for k in listed if '.' in k}
    emitted = {}
    for path in sorted(glob.glob(os.path.join(TOP, 'sim', '*', '*.c'))):
        if os.path.basename(os.path.dirname(path)) not in ENGINES:
            continue
        src = open(path).read()
        rel = os.path.relpath(path, TOP)
        src = re.sub(r'^#include.*$', '', src, flags=re.M)
        for d in re.finditer(r'^#define\s+(\w+)\((\w+),\s*(\w+)\)(.*)$', src, re.M):
            fams = re.findall(r'"([a-z0-9_]+)\."\s*' + d.group(3) + r'\b', d.group(4))
            for m in re.finditer(d.group(1) + r'\(\s*\w+\s*,\s*"([a-z0-9_.]+)"\s*\)', src):
                for fam in fams:
                    emitted.setdefault(fam + '.' + m.group(1), rel)
        for m in re.finditer(r'"([a-z0-9_]+(?:\.[a-z0-9_]+)+)"', src):
            k = m.group(1)
            if k.split('.')[0] in families:
                emitted.setdefault(k, rel)
    problems = []
    for k, where in sorted(emitted.items()):
        if k not in listed:
            problems.append('%s writes key %s, which narrate.c does not list' % (where, k))
    for k in listed:
        if k not in emitted and k not in OWN:
            problems.append('narrate.c lists key %s, which no engine writes' % k)
    for code in ('en', 'id'):
        texts = json.load(open(os.path.join(TOP, 'assets/lang/%s.json' % code)))['texts']
        for k in listed:
            if k not in texts:
                problems.append('assets/lang/%s.json has no sentence for %s' % (code, k))
        for k in texts:
            if k not in listed and not k.startswith('_'):
                problems.append('assets/lang/%s.json has a sentence for %s, which narrate.c does not list' % (code, k))
    for p in problems:
        print('say_keys: ' + p)
    print('say_keys: %d keys listed, %d written by the engines, %d problems' % (
        len(listed), len(emitted), len(problems)))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
