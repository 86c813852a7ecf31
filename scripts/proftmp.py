import time
from ape import accounts, networks, project

def main():
    a = accounts.test_accounts[0]
    t = time.time()
    reg = a.deploy(project.ChainRegistry, a, a, a)
    print("deploy s", time.time() - t)
    t = time.time()
    reg.registerChain(10, a, 250, 1500, b"\x00" * 32, sender=a)
    print("call s", time.time() - t)
