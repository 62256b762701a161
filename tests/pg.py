"""A throwaway PostgreSQL server on 127.0.0.1 for the tests (Debian's postgresql package)."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    def __init__(self):
        self.dir = None
        self.port = None
        self.bin = None

    def _run(self, *args):
        cmd = [os.path.join(self.bin, args[0]), *args[1:]]
        if os.geteuid() == 0:
            # PostgreSQL refuses to run as root.
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120)

    def start(self) -> str | None:
        """Start the server; return why not, or None."""
        url = os.environ.get("RECEPTION_TEST_POSTGRES_URL")
        if url:
            self.admin_url = url
            return None
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not found:
            return "initdb not found (apt-get install postgresql)"
        self.bin = os.path.dirname(found[-1])
        self.dir = tempfile.mkdtemp(prefix="reception-pg-")
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        data = os.path.join(self.dir, "data")
        done = self._run("initdb", "-D", data, "-U", "reception", "-A", "trust", "--no-sync")
        if done.returncode:
            return f"initdb failed: {done.stderr.strip()[:300]}"
        self.port = _free_port()
        opts = f"-h 127.0.0.1 -p {self.port} -k {self.dir} -c fsync=off -c full_page_writes=off"
        done = self._run("pg_ctl", "-D", data, "-o", opts, "-l", os.path.join(self.dir, "log"), "-w", "start")
        if done.returncode:
            return f"pg_ctl start failed: {done.stderr.strip()[:300]}"
        self.admin_url = f"postgresql://reception@127.0.0.1:{self.port}/postgres"
        return None

    def new_database(self) -> str:
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.admin_url.rsplit("/", 1)[0] + "/" + name

    def stop(self):
        if self.dir:
            self._run("pg_ctl", "-D", os.path.join(self.dir, "data"), "-m", "fast", "stop")
            shutil.rmtree(self.dir, ignore_errors=True)
