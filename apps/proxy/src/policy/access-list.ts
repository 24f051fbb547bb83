import { BlockList, isIPv6 } from "node:net";

import type { Access } from "@concierge/config/route-access";

import { unmapIPv4 } from "../guard/forwarded.ts";

/** IP allow/deny, compiled once per revision into `net.BlockList`s. Deny wins; an empty allow list allows all. */
export type AddressCheck = (clientIp: string) => boolean;

function blockListOf(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = "", prefix] = entry.split("/");
    const family = isIPv6(address) ? "ipv6" : "ipv4";
    if (prefix === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(prefix), family);
  }
  return list;
}

export function compileAddressCheck(access: Pick<Access, "allow" | "deny">): AddressCheck | null {
  if (access.allow.length === 0 && access.deny.length === 0) return null;
  const allow = access.allow.length === 0 ? null : blockListOf(access.allow);
  const deny = access.deny.length === 0 ? null : blockListOf(access.deny);
  return (clientIp) => {
    const address = unmapIPv4(clientIp);
    const family = isIPv6(address) ? "ipv6" : "ipv4";
    if (deny?.check(address, family)) return false;
    return allow === null || allow.check(address, family);
  };
}
