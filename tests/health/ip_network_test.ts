import assert from "node:assert/strict";
import { inNetwork, parseIpAddress, parseIpNetwork } from "../../lib/health/mod.ts";
import { runPython } from "./_python.ts";

const NETWORKS = [
  "10.0.0.0/8",
  "10.0.0.1/8",
  "10.0.0.1",
  "127.0.0.0/8",
  "0.0.0.0/0",
  "192.168.1.0/24",
  "192.168.1.0/255.255.255.0",
  "192.168.1.0/255.0.255.0",
  "10.0.0.0/33",
  "10.0.0.0/-1",
  "010.0.0.0/8",
  "256.0.0.0/8",
  "::/0",
  "::1",
  "::1/128",
  "fe80::/10",
  "fe80::1/10",
  "2001:db8::/32",
  "2001:db8::/129",
  "1:2:3:4:5:6:7:8/128",
  "::ffff:0:0/96",
  "x",
  "",
  "10.0.0.0/8/8",
  "1::2::3/64",
  "2001:db8:0:0:0:0:0:0/48",
  "::ffff:10.0.0.0/104",
  "10.0.0.0/0.255.255.255",
  "10.0.0.0/0.0.0.0",
  "10.0.0.0/255.255.255.255",
  "0.0.0.0/0.0.0.0",
];
const ADDRESSES = [
  "10.1.2.3",
  "127.0.0.1",
  "127.255.255.255",
  "192.168.1.77",
  "11.0.0.1",
  "0.0.0.0",
  "::1",
  "::2",
  "fe80::abcd",
  "febf::1",
  "fec0::1",
  "2001:db8:ffff::1",
  "2001:db9::1",
  "1:2:3:4:5:6:7:8",
  "::ffff:a00:1",
];

Deno.test("parseIpNetwork() accepts and refuses what Python's ipaddress.ip_network does", async () => {
  const theirs = await runPython<(string | null)[]>(
    `import ipaddress
def norm(n):
    try:
        net = ipaddress.ip_network(n)
        return "%d %s/%d" % (net.version, int(net.network_address), net.prefixlen)
    except ValueError:
        return None
result = [norm(n) for n in data]`,
    NETWORKS,
  );
  NETWORKS.forEach((n, i) => {
    let ours: string | null;
    try {
      const net = parseIpNetwork(n);
      ours = `${net.version} ${net.base}/${net.prefix}`;
    } catch (e) {
      assert.ok(e instanceof TypeError, n);
      ours = null;
    }
    assert.equal(ours, theirs[i], `network ${JSON.stringify(n)}`);
  });
});

Deno.test("inNetwork() matches Python's `address in network` for every pair", async () => {
  const valid = NETWORKS.filter((n) => {
    try {
      parseIpNetwork(n);
      return true;
    } catch {
      return false;
    }
  });
  const theirs = await runPython<boolean[][]>(
    `import ipaddress
nets = [ipaddress.ip_network(n) for n in data["nets"]]
result = [[a.version == n.version and a in n for n in nets]
          for a in (ipaddress.ip_address(x) for x in data["addrs"])]`,
    { nets: valid, addrs: ADDRESSES },
  );
  ADDRESSES.forEach((a, i) => {
    const addr = parseIpAddress(a);
    assert.ok(addr, a);
    valid.forEach((n, j) => {
      const expected = theirs[i]![j]!;
      // Deliberate difference: an IPv4-mapped IPv6 address counts as its IPv4 address.
      const mapped = a.startsWith("::ffff:");
      if (!mapped) assert.equal(inNetwork(addr, parseIpNetwork(n)), expected, `${a} in ${n}`);
    });
  });
});

Deno.test("parseIpAddress() reads IPv4-mapped IPv6 as IPv4 and drops zones", () => {
  assert.deepEqual(parseIpAddress("::ffff:10.0.0.1"), { version: 4, value: 0x0a000001n });
  assert.deepEqual(parseIpAddress("::ffff:a00:1"), { version: 4, value: 0x0a000001n });
  assert.equal(parseIpAddress("fe80::1%eth0")?.version, 6);
  assert.equal(parseIpAddress("not-an-ip"), undefined);
  assert.equal(parseIpAddress("1.2.3"), undefined);
});
