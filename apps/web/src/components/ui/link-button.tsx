import Link from "next/link";
import type { ComponentProps } from "react";

/** A link that looks like the primary button, for "New pool" and the like. */
export function LinkButton({ className = "", ...props }: ComponentProps<typeof Link>) {
  return (
    <Link
      className={`inline-block rounded-md bg-slate-900 px-3 py-2 text-sm font-medium text-white hover:bg-slate-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600 dark:bg-slate-100 dark:text-slate-900 dark:hover:bg-white ${className}`}
      {...props}
    />
  );
}
