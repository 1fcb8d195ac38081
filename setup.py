"""Build hook: the demo must-gather becomes package data.

`staticapi serve` with no SOURCE serves a small generated must-gather. Its tree lives in
fixtures/must-gather (the generator scripts/gen_mustgather.py writes it there and
tests/test_fixtures.py compares it with the generator's output), so it is copied into the built
package as staticapi/data/demo/must-gather at build time instead of being moved: `pip install .`,
pipx and the container image then carry it; an editable install reads fixtures/ in place
(cli.bundled_fixture). Everything else is configured in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

DEMO_SRC = Path(__file__).resolve().parent / "fixtures" / "must-gather"
DEMO_DST = ("staticapi", "data", "demo", "must-gather")


class build_py_with_demo(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False) or not DEMO_SRC.is_dir():
            return  # editable: the repo's fixtures/ is read in place; an sdist without it: no demo
        dst = Path(self.build_lib, *DEMO_DST)
        if dst.exists():
            shutil.rmtree(dst)
        # regular files and directories only (the generator writes nothing else)
        shutil.copytree(DEMO_SRC, dst, symlinks=True,
                        ignore=lambda d, names: [n for n in names if Path(d, n).is_symlink()])

    def get_outputs(self, include_bytecode=True):
        out = super().get_outputs(include_bytecode)
        if not getattr(self, "editable_mode", False) and DEMO_SRC.is_dir():
            base = Path(self.build_lib, *DEMO_DST)
            out += [str(base / p.relative_to(DEMO_SRC)) for p in DEMO_SRC.rglob("*") if p.is_file()]
        return out


setup(cmdclass={"build_py": build_py_with_demo})
