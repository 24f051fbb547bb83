import type { IncomingHttpHeaders } from "node:http";
import { BlockList, isIPv6 } from "node:net";

/**
 * X-Forwarded-For/-Proto/-Host and RFC 7239 Forwarded. What the peer sent is kept and
 * appended to only when the peer is a trusted proxy; from anyone else it is replaced, so a
 * client cannot forge its address.
 */
export type TrustedProxies = (address: string) => boolean;

/** IPs and CIDRs, IPv4 and IPv6: `["10.0.0.0/8", "::1", "192.168.1.7"]`. */
export function compileTrustedProxies(entries: readonly string[]): TrustedProxies {
  if (entries.length === 0) return () => false;
  const list = new BlockList();
  for (const entry of entries) {
    const [address = "", prefix] = entry.trim().split("/");
    const family = isIPv6(address) ? "ipv6" : "ipv4";
    if (prefix === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(prefix), family);
  }
  return (address) => {
    const bare = unmapIPv4(address);
    return list.check(bare, isIPv6(bare) ? "ipv6" : "ipv4");
  };
}

/** `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) → `10.0.0.1`. */
export function unmapIPv4(address: string): string {
  return address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(", ") : value;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const NEEDS_ESCAPE = /["\\]/;

/** RFC 7239 §6: an IPv6 node is quoted and bracketed; anything outside token characters is quoted. */
function forwardedValue(value: string): string {
  // isIPv6 runs a long regex; only a value with two colons (IPv4 and host:port have fewer) can be one.
  if (value.indexOf(":") !== value.lastIndexOf(":") && isIPv6(value)) return `"[${value}]"`;
  if (TOKEN.test(value)) return value;
  return NEEDS_ESCAPE.test(value) ? `"${value.replaceAll(/["\\]/g, "\\$&")}"` : `"${value}"`;
}

/**
 * The client as far as trusted proxies vouch for it: walking X-Forwarded-For from the right,
 * the first address not itself a trusted proxy.
 */
export function clientIpOf(peerIp: string, headers: IncomingHttpHeaders, trusted: TrustedProxies): string {
  const peer = unmapIPv4(peerIp);
  if (!trusted(peer)) return peer;
  const chain = single(headers["x-forwarded-for"]);
  if (chain === undefined) return peer;
  const hops = chain.split(",");
  for (let index = hops.length - 1; index >= 0; index--) {
    const hop = hops[index]?.trim() ?? "";
    if (hop !== "" && !trusted(hop)) return hop;
  }
  return peer;
}

/** Sets the forwarding headers on `headers` (the copy going upstream). */
export function setForwardingHeaders(
  headers: IncomingHttpHeaders,
  peerIp: string,
  originalHost: string,
  scheme: "http" | "https",
  trusted: TrustedProxies,
): void {
  const peer = unmapIPv4(peerIp);
  const believed = trusted(peer);
  const priorFor = believed ? single(headers["x-forwarded-for"]) : undefined;
  headers["x-forwarded-for"] = priorFor ? `${priorFor}, ${peer}` : peer;

  const priorProto = believed ? single(headers["x-forwarded-proto"]) : undefined;
  headers["x-forwarded-proto"] = priorProto ?? scheme;

  const priorHost = believed ? single(headers["x-forwarded-host"]) : undefined;
  headers["x-forwarded-host"] = priorHost ?? originalHost;

  const element = `for=${forwardedValue(peer)};host=${forwardedValue(originalHost)};proto=${scheme}`;
  const priorForwarded = believed ? single(headers["forwarded"]) : undefined;
  headers["forwarded"] = priorForwarded ? `${priorForwarded}, ${element}` : element;
}
