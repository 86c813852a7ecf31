import sys, time, urllib.request, threading, os
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler
port, target = int(sys.argv[1]), sys.argv[2]
mode = sys.argv[3] if len(sys.argv) > 3 else "ok"
count = [0]
class H(BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_POST(self):
        n = int(self.headers.get("content-length", 0)); body = self.rfile.read(n)
        count[0] += 1
        if os.path.exists(f"/tmp/adv-proxy-{port}.down"):
            self.send_response(502); self.end_headers(); self.wfile.write(b"bad gateway"); return
        ua = self.headers.get("user-agent","").lower(); print(ua, flush=True)
        if mode == "slow" and "foundry" in ua: time.sleep(120)
        req = urllib.request.Request(target, data=body, headers={"content-type": "application/json"})
        try:
            data = urllib.request.urlopen(req, timeout=60).read()
        except Exception as e:
            self.send_response(502); self.end_headers(); return
        self.send_response(200); self.send_header("content-type","application/json"); self.send_header("content-length", str(len(data))); self.end_headers(); self.wfile.write(data)
ThreadingHTTPServer(("127.0.0.1", port), H).serve_forever()
