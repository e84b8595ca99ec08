#!/usr/bin/env python3
"""Issue 17: the installed program.

make install into a temporary DESTDIR, then from / with SUREL_ASSETS unset
the staged program runs a lesson by name with the installed data; a file
wins over a lesson of the same name; SUREL_ASSETS wins over both; the
desktop entry and the AppStream file validate (when the tools are here);
groff is silent on the man page; the man page and `surel --help` name the
same options; make uninstall leaves no file behind.

usage: python3 tests/install_check.py [BUILD_FOLDER]   (from the tree's top)
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
O = sys.argv[1] if len(sys.argv) > 1 else "build"
APP_ID = "org.surel.Surel"
fails = []


def check(ok, what):
    print(("ok    " if ok else "FAIL  ") + what)
    if not ok:
        fails.append(what)


def run(args, cwd="/", env=None):
    e = dict(os.environ)
    e.pop("SUREL_ASSETS", None)
    e.update(env or {})
    return subprocess.run(args, cwd=cwd, env=e, capture_output=True,
                          text=True, timeout=60)


def help_options(text):
    return set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", text))


def man_options(roff):
    # In roff a dash is written \- : the options are \-\-name.
    return set("--" + m for m in
               re.findall(r"\\-\\-([a-z](?:[a-z]|\\-(?=[a-z]))*)", roff)
               for m in [m.replace("\\-", "-")])


def main():
    staged = tempfile.mkdtemp(prefix="surel-install-")
    try:
        r = subprocess.run(["make", "-s", "O=" + O, "install",
                            "DESTDIR=" + staged, "PREFIX=/usr"], cwd=TOP,
                           capture_output=True, text=True)
        check(r.returncode == 0, "make install DESTDIR=%s PREFIX=/usr%s" %
              (staged, "" if r.returncode == 0 else ": " + r.stderr[-800:]))
        if r.returncode != 0:
            return
        usr = os.path.join(staged, "usr")
        surel = os.path.join(usr, "bin", "surel")
        share = os.path.join(usr, "share")
        for f in ["surel/scenarios/06-unknown-user.json", "surel/lang/id.json",
                  "surel/lang/en.json", "surel/icons/laptop.svg",
                  "man/man1/surel.1.gz", "applications/%s.desktop" % APP_ID,
                  "metainfo/%s.metainfo.xml" % APP_ID,
                  "icons/hicolor/scalable/apps/%s.svg" % APP_ID] + \
                ["icons/hicolor/%dx%d/apps/%s.png" % (n, n, APP_ID)
                 for n in (48, 64, 128, 256)]:
            check(os.path.isfile(os.path.join(share, f)), "installed " + f)

        # The lesson by name, from /, with the installed data.
        r = run([surel, "run", "06-unknown-user", "--narrate", "--lang", "id"])
        check(r.returncode == 0 and
              "sebagai pemberitahuan yang menjelaskan sebabnya" in r.stdout,
              "from /: surel run 06-unknown-user --narrate --lang id")
        r = run([surel, "view", "no-such-lesson"])
        check(r.returncode == 2 and "/share/surel/scenarios" in r.stderr and
              "did you mean '07-no-such-domain'" in r.stderr and
              "06-unknown-user" in r.stderr,
              "from /: surel view no-such-lesson: 2, the installed lessons, "
              "a did-you-mean")
        r = run([surel, "lessons", "--lang", "id"])
        check(r.returncode == 0 and "14-lossy-link" in r.stdout and
              "Pengguna tidak dikenal" in r.stdout, "from /: surel lessons")

        # A file in the current folder wins over the lesson of its name.
        here = tempfile.mkdtemp(prefix="surel-cwd-")
        try:
            shutil.copy(os.path.join(TOP, "scenarios", "03-same-domain.json"),
                        os.path.join(here, "06-unknown-user"))
            r = run([surel, "run", "06-unknown-user", "--summary", "-"],
                    cwd=here)
            check(r.returncode == 0 and "Same domain" in r.stdout,
                  "a file named 06-unknown-user wins over the lesson")
            # SUREL_ASSETS wins over the installed data.
            os.makedirs(os.path.join(here, "a", "scenarios"))
            shutil.copy(os.path.join(TOP, "scenarios", "05-relay-hops.json"),
                        os.path.join(here, "a", "scenarios", "zz-mine.json"))
            r = run([surel, "lessons"], cwd=here,
                    env={"SUREL_ASSETS": os.path.join(here, "a")})
            check(r.returncode == 0 and "zz-mine" in r.stdout and
                  "06-unknown-user" not in r.stdout,
                  "SUREL_ASSETS wins over the installed lessons")
        finally:
            shutil.rmtree(here)

        # The desktop entry and the metadata validate.
        desk = os.path.join(share, "applications", APP_ID + ".desktop")
        meta = os.path.join(share, "metainfo", APP_ID + ".metainfo.xml")
        if shutil.which("desktop-file-validate"):
            r = run(["desktop-file-validate", desk])
            check(r.returncode == 0 and "error" not in r.stdout,
                  "desktop-file-validate" + (": " + r.stdout if r.stdout
                                             and r.returncode else ""))
        else:
            print("skip  desktop-file-validate (not installed)")
        if shutil.which("appstreamcli"):
            r = run(["appstreamcli", "validate", "--no-net", meta])
            check(r.returncode == 0, "appstreamcli validate --no-net" +
                  ("" if r.returncode == 0 else ": " + r.stdout))
        else:
            print("skip  appstreamcli (not installed)")
        with open(desk) as f:
            d = f.read()
        check("Name=" in d and "Comment[id]=" in d and
              "Categories=Education;Network;" in d and
              "Exec=surel --chooser" in d, "desktop entry: en, id, "
              "categories, the lesson chooser")

        # The man page: groff silent; its options are --help's.
        man = os.path.join(TOP, "assets", "man", "surel.1")
        if shutil.which("groff"):
            r = run(["groff", "-man", "-ww", "-z", man])
            check(r.returncode == 0 and r.stderr == "",
                  "groff -man -ww -z is silent" + (": " + r.stderr
                                                   if r.stderr else ""))
        else:
            print("skip  groff (not installed)")
        with open(man) as f:
            roff = f.read()
        r = run([surel, "--help"])
        h, m = help_options(r.stdout), man_options(roff)
        check(len(h) > 20 and h == m, "the options of --help and of the man "
              "page are the same (%d)%s" % (len(h), "" if h == m else
              ": only in --help: %s; only in the man page: %s" %
              (sorted(h - m), sorted(m - h))))
        for sec in ("EXIT STATUS", "FILES", "ENVIRONMENT", "EXAMPLES"):
            check(".SH " + sec in roff, "man page section " + sec)

        r = subprocess.run(["make", "-s", "O=" + O, "uninstall",
                            "DESTDIR=" + staged, "PREFIX=/usr"], cwd=TOP,
                           capture_output=True, text=True)
        left = [os.path.join(dp, f) for dp, _, fs in os.walk(staged)
                for f in fs]
        check(r.returncode == 0 and not left, "make uninstall leaves no file"
              + ("" if not left else ": " + ", ".join(left[:5])))
    finally:
        shutil.rmtree(staged, ignore_errors=True)


main()
print("install: %s" % ("%d failed" % len(fails) if fails else "all passed"))
sys.exit(1 if fails else 0)
