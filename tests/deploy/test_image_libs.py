"""scripts/image-libs, the image's "no shared library not found" check, on programs built here.

The smoke test runs it inside the built image (scripts/image-smoke); these tests show it on a
program and a library compiled for the purpose, so that what it catches is known: a library a
program links, or one a library links, missing from the file system.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.deploy.helpers import REPO

IMAGE_LIBS = REPO / "scripts" / "image-libs"


def compile_c(tmp_path: Path, name: str, source: str, output: Path, *flags: str) -> None:
    compiler = shutil.which("cc") or shutil.which("gcc")
    assert compiler, "a C compiler (Debian's gcc) is on every build machine"
    (tmp_path / f"{name}.c").write_text(source)
    subprocess.run([compiler, "-o", output, tmp_path / f"{name}.c", *flags], check=True, capture_output=True)


def build_app(tmp_path: Path) -> Path:
    """app/greet runs app/lib/libgreet.so.1, which runs app/lib/libwords.so.1 (both by RUNPATH)."""
    app = tmp_path / "app"
    lib = app / "lib"
    lib.mkdir(parents=True)
    compile_c(
        tmp_path,
        "words",
        'const char *word(void) { return "hello"; }\n',
        lib / "libwords.so.1",
        "-shared",
        "-fPIC",
        "-Wl,-soname,libwords.so.1",
    )
    compile_c(
        tmp_path,
        "greet_lib",
        "const char *word(void);\nconst char *greet(void) { return word(); }\n",
        lib / "libgreet.so.1",
        "-shared",
        "-fPIC",
        "-Wl,-soname,libgreet.so.1",
        f"-L{lib}",
        "-l:libwords.so.1",
        "-Wl,-rpath,$ORIGIN",
    )
    compile_c(
        tmp_path,
        "greet",
        "#include <stdio.h>\nconst char *greet(void);\nint main(void) { puts(greet()); return 0; }\n",
        app / "greet",
        f"-L{lib}",
        "-l:libgreet.so.1",
        "-Wl,-rpath-link," + str(lib),
        "-Wl,-rpath,$ORIGIN/lib",
    )
    # Files that are not ELF are passed over: a script with the executable bit, a text file.
    (app / "run.sh").write_text("#!/bin/sh\nexec ./greet\n")
    (app / "run.sh").chmod(0o755)
    (lib / "README").write_text("not a library\n")
    assert subprocess.run([app / "greet"], capture_output=True, text=True, check=True).stdout == "hello\n"
    return app


def image_libs(*folders: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([IMAGE_LIBS, *folders], capture_output=True, text=True, timeout=60, check=False)


def test_every_library_found_passes(tmp_path: Path) -> None:
    done = image_libs(build_app(tmp_path))
    assert (done.returncode, done.stdout, done.stderr) == (0, "3 ELF files, every shared library found\n", "")


def test_a_library_a_program_links_missing_fails_naming_both(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    (app / "lib" / "libgreet.so.1").unlink()
    done = image_libs(app)
    assert done.returncode == 1
    assert f"missing: libgreet.so.1 (needed by {app / 'greet'})" in done.stdout.splitlines()
    assert done.stderr == "image-libs: 1 shared libraries not found, among 2 ELF files\n"


def test_a_library_a_library_links_missing_fails_too(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    (app / "lib" / "libwords.so.1").unlink()
    done = image_libs(app)
    assert done.returncode == 1
    missing = done.stdout.splitlines()
    # Both the library that links it and the program that loads that library are named.
    assert f"missing: libwords.so.1 (needed by {app / 'lib' / 'libgreet.so.1'})" in missing
    assert f"missing: libwords.so.1 (needed by {app / 'greet'})" in missing


def test_a_folder_with_no_elf_file_is_an_error_not_a_pass(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("nothing to load\n")
    done = image_libs(tmp_path)
    assert done.returncode == 1
    assert "no ELF file" in done.stderr
