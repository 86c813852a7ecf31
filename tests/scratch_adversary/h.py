import sys, json, time
from revshare.chain.rpc import HttpJsonRpc
from revshare.deploying.config import load_config
from revshare.deploying.plan import make_plan
def rpc(port): return HttpJsonRpc(f"http://127.0.0.1:{port}")
def send(r, frm, to, data, value=0):
    tx = {"from": frm, "data": data if isinstance(data,str) else "0x"+data.hex(), "value": hex(value)}
    if to: tx["to"] = to
    h = r("eth_sendTransaction", [tx])
    for _ in range(100):
        rc = r("eth_getTransactionReceipt", [h])
        if rc: return rc
        time.sleep(0.1)
def plan(port, cfg, deployer):
    r = rpc(port); c = load_config(cfg)
    return make_plan(r, c, c.chains[0], deployer, network="x", chain_id=int(r("eth_chainId",[]),16), local=False, nonce=0)
if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "frontrun":  # port cfg deployer attacker
        port, cfg, dep, att = sys.argv[2:6]
        p = plan(int(port), cfg, dep); r = rpc(int(port))
        for s in p.steps:
            if s.deploys:
                rc = send(r, att, s.to, s.data); print(s.name, s.address, rc["status"])
    elif cmd == "call":
        port, frm, to, data = sys.argv[2:6]
        print(send(rpc(int(port)), frm, to, data)["status"])
