"""The README's webhook receiver works as printed: with the signature module copied beside it,
it takes a correctly signed delivery and refuses a badly signed one."""

import json
import re
import shutil
import socket
import subprocess
import sys
import time

import requests

from leads_cli.template import PROJECT_ROOT
from leads_domain.webhooks import signature
from leads_domain.webhooks.signature import signature_header

SECRET = "whsec_readme000000000000000000000000"


def receiver_code() -> str:
    readme = (PROJECT_ROOT / "README.md").read_text()
    (code,) = [
        block for block in re.findall(r"```python\n(.*?)```", readme, re.S) if "do_POST" in block
    ]
    return code


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_readme_receiver_verifies_signatures(tmp_path):
    code = receiver_code()
    assert len([line for line in code.splitlines() if line.strip()]) <= 13, "a short example"
    port = free_port()
    code = code.replace('"whsec_..."', json.dumps(SECRET)).replace("8080", str(port))
    (tmp_path / "receiver.py").write_text(code)
    shutil.copy(signature.__file__, tmp_path / "signature.py")
    process = subprocess.Popen(
        [sys.executable, "-s", "receiver.py"], cwd=tmp_path, stdout=subprocess.PIPE, text=True
    )
    try:
        url = f"http://127.0.0.1:{port}/hook"
        for _ in range(100):
            try:
                requests.post(url, data=b"{}", timeout=2, headers={"Leads-Signature": "t=1,v1=0"})
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        body = json.dumps({"id": "evt_1", "type": "lead.created", "data": {"object": {}}}).encode()
        signed = {"Leads-Signature": signature_header(body, SECRET)}
        assert requests.post(url, data=body, headers=signed, timeout=5).status_code == 200
        forged = {"Leads-Signature": signature_header(body, "whsec_not_the_secret_000000000")}
        assert requests.post(url, data=body, headers=forged, timeout=5).status_code == 400
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=10)
    assert output.splitlines() == [body.decode()], "the signed delivery only"
