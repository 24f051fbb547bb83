"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const SECTIONS = [
  {
    label: "Live",
    links: [
      { href: "/", label: "Overview" },
      { href: "/traffic", label: "Traffic" },
      { href: "/connections", label: "Connections" },
      { href: "/nodes", label: "Nodes" },
    ],
  },
  {
    label: "Configuration",
    links: [
      { href: "/routes", label: "Routes" },
      { href: "/pools", label: "Pools" },
      { href: "/cache", label: "Cache" },
      { href: "/certificates", label: "Certificates" },
      { href: "/revisions", label: "Revisions" },
      { href: "/audit", label: "Audit log" },
    ],
  },
  {
    label: "People",
    links: [
      { href: "/users", label: "Users" },
      { href: "/tokens", label: "API tokens" },
      { href: "/account/password", label: "Change password" },
    ],
  },
] as const;

function isCurrent(pathname: string, href: string): boolean {
  return href === "/" ? pathname === "/" : pathname === href || pathname.startsWith(`${href}/`);
}

export function SidebarNav() {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className="space-y-4 px-2 pb-6 text-sm">
      {SECTIONS.map((section) => (
        <div key={section.label}>
          <p className="px-2 pb-1 text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400">
            {section.label}
          </p>
          <ul>
            {section.links.map((link) => {
              const current = isCurrent(pathname, link.href);
              return (
                <li key={link.href}>
                  <Link
                    href={link.href}
                    aria-current={current ? "page" : undefined}
                    className={`block rounded-md px-2 py-1.5 focus-visible:outline-2 focus-visible:outline-sky-600 ${
                      current
                        ? "bg-slate-900 text-white dark:bg-slate-100 dark:text-slate-900"
                        : "text-slate-700 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800"
                    }`}
                  >
                    {link.label}
                  </Link>
                </li>
              );
            })}
          </ul>
        </div>
      ))}
    </nav>
  );
}
