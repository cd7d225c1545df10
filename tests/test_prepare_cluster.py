"""nginx's config for the cluster, from deploy/nginx.conf.template (scripts/prepare_cluster.py)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from coach.store import PROJECT_DIR


@pytest.fixture(scope="module")
def prepare_cluster():
    path = PROJECT_DIR / "scripts" / "prepare_cluster.py"
    spec = importlib.util.spec_from_file_location("prepare_cluster", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["prepare_cluster"] = module
    spec.loader.exec_module(module)
    return module


def test_nginx_accepts_the_config_and_balances_every_replica(prepare_cluster, tmp_path):
    config = prepare_cluster.render_nginx(
        "127.0.0.1:8399", ["127.0.0.1:5005", "127.0.0.1:5006"], ["127.0.0.1:5055"], ["127.0.0.1"], tmp_path
    )
    (tmp_path / "nginx-tmp").mkdir()
    (tmp_path / "nginx.conf").write_text(config)
    checked = subprocess.run(
        ["/usr/sbin/nginx", "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"),
         "-e", str(tmp_path / "nginx-error.log")],
        capture_output=True, text=True,
    )
    assert checked.returncode == 0, checked.stderr
    # Both upstreams of Rasa (REST and socket.io) know both replicas; nginx's own variables survive.
    assert config.count("server 127.0.0.1:5006;") == 2
    assert "${" not in config and "$http_upgrade" in config
    # Only the replicas may reach the action servers.
    assert "allow 127.0.0.1;" in config and "deny all;" in config
