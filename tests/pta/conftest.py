"""Fixtures for the pseudo-TA tests: the sample supplicant plugin built from our C source
with the host compiler, and an in-process TEE with host sockets and that plugin."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from optee_litebox.samples import samples
from optee_litebox.south_linux import HostSockets, PluginHost

REPO = Path(__file__).resolve().parents[2]
PLUGIN_SOURCE = REPO / "sample_tas" / "host" / "sample_plugin.c"
PLUGIN_UUID = "b587e5f0-f203-4309-aafb-03d1639aab00"


@pytest.fixture(scope="session")
def plugin_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A plugin directory holding the sample plugin, as <uuid>.plugin (as upstream installs)."""
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.fail("no host C compiler (cc) to build the sample plugin; install gcc")
    out = tmp_path_factory.mktemp("plugins")
    subprocess.run([cc, "-shared", "-fPIC", "-O2", "-Wall", "-Werror", "-o",
                    str(out / f"{PLUGIN_UUID}.plugin"), str(PLUGIN_SOURCE)], check=True)
    return out


@pytest.fixture()
def net_tee(platform, plugin_dir):  # type: ignore[no-untyped-def]
    """The `tee` fixture's TEE, with the host's sockets and the sample plugin."""
    from optee_litebox.runtime import Tee

    platform.sockets = HostSockets()
    platform.plugins = PluginHost(plugin_dir, platform.log)
    t = Tee(platform)
    for s in samples().values():
        t.add(s.ta_path)
    yield t
    t.close()
