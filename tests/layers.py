#!/usr/bin/env python3
"""layers.py: the layering test (issue 10, shared/DESIGN.md "Layers").

Reads the symbols that the built objects define and use (nm), makes a
graph of modules (one object file, one module; its folder is its layer),
and fails, naming the symbol, on
  - a call from a lower layer to a higher one (the order is the
    Makefile's SIM_LAYERS for sim/, then render/cli, render/window,
    render/main);
  - a dependency cycle between modules, even inside one layer;
  - an SDL symbol used anywhere outside render/window/;
  - the narration reading a record's transcript text back
    (sim/explain/narrate using trace_text_at): the layer that acted
    writes the narration key and arguments into the record.
Usage: layers.py BUILD_DIR [--graph]  (--graph prints the module graph
and its largest cycle; exit 0 either way).
"""
import os
import re
import subprocess
import sys


def layers_from_makefile(top):
    mk = open(os.path.join(top, 'Makefile')).read()
    m = re.search(r'^SIM_LAYERS\s*=\s*(.*)$', mk, re.M)
    return ['sim/' + l for l in m.group(1).split()] + \
        ['render/cli', 'render/window', 'render']


def read_objects(build, layers):
    defs, uses, mods = {}, {}, []
    for layer in layers:
        d = os.path.join(build, layer)
        if not os.path.isdir(d):
            continue
        for f in sorted(os.listdir(d)):
            if not f.endswith('.o'):
                continue
            mod = layer + '/' + f[:-2]
            mods.append(mod)
            out = subprocess.run(['nm', os.path.join(d, f)], check=True,
                                 capture_output=True, text=True).stdout
            uses[mod] = set()
            for line in out.splitlines():
                p = line.split()
                if len(p) == 3 and p[1] in 'TDBRCV':
                    defs[p[2]] = mod
                elif len(p) == 2 and p[0] == 'U':
                    uses[mod].add(p[1])
    return mods, defs, uses


def layer_of(mod):
    return mod.rsplit('/', 1)[0]


def sccs(graph):
    """Tarjan's strongly connected components, iteratively."""
    index, low, on, stack, out = {}, {}, set(), [], []
    counter = [0]
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter[0]; counter[0] += 1
        stack.append(root); on.add(root)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = counter[0]; counter[0] += 1
                    stack.append(w); on.add(w)
                    work.append((w, iter(sorted(graph[w]))))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop(); on.discard(w); comp.append(w)
                    if w == v:
                        break
                out.append(sorted(comp))
    return out


def main():
    if len(sys.argv) < 2:
        sys.exit('usage: layers.py BUILD_DIR [--graph]')
    build = sys.argv[1]
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    layers = layers_from_makefile(top)
    mods, defs, uses = read_objects(build, layers)
    if not mods:
        sys.exit('layers.py: no objects under %s (build first)' % build)
    rank = {l: i for i, l in enumerate(layers)}
    graph = {m: {} for m in mods}
    problems = []
    for m in mods:
        for sym in sorted(uses[m]):
            if sym.startswith('SDL_') or sym.startswith('TTF_') or sym.startswith('IMG_'):
                if not m.startswith('render/window/'):
                    problems.append('%s uses %s: only render/window/ may use SDL' % (m, sym))
                continue
            if m == 'sim/explain/narrate' and sym == 'trace_text_at':
                problems.append('%s uses %s: narration comes from the '
                                'record\'s say, never from its text' % (m, sym))
            d = defs.get(sym)
            if d is None or d == m:
                continue
            graph[m].setdefault(d, sym)
            if rank[layer_of(d)] > rank[layer_of(m)]:
                problems.append('%s calls %s (%s): %s is below %s' % (
                    m, sym, d, layer_of(m), layer_of(d)))
    comps = [c for c in sccs(graph) if len(c) > 1]
    for c in comps:
        # Name one edge of the cycle per module, so the fix is findable.
        edges = ['%s -> %s (%s)' % (a, b, graph[a][b])
                 for a in c for b in sorted(graph[a]) if b in c]
        problems.append('cycle of %d modules: %s' % (len(c), '; '.join(edges)))
    if '--graph' in sys.argv:
        for m in mods:
            print('%s -> %s' % (m, ' '.join(sorted(graph[m]))))
        big = max((len(c) for c in comps), default=1)
        print('modules %d, edges %d, cycles %d, largest cycle %d modules' % (
            len(mods), sum(len(g) for g in graph.values()), len(comps), big))
        return 0
    for p in problems:
        print('layers: ' + p)
    print('layers: %d modules in %d layers, %d problems' % (
        len(mods), len({layer_of(m) for m in mods}), len(problems)))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
