"use client";

import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";

import { fieldErrorsFromFailure, type FieldErrorMap } from "../../../../client/field-error-map.ts";
import { fetchJson } from "../../../../client/fetch-json.ts";
import { Button } from "../../../../components/ui/button.tsx";
import { Notice } from "../../../../components/ui/notice.tsx";
import { SelectField } from "../../../../components/ui/select-field.tsx";
import { TextField } from "../../../../components/ui/text-field.tsx";

type By = "url" | "prefix" | "tag";

const PLACEHOLDERS = {
  url: "https://shop.example.com/products/42",
  prefix: "https://shop.example.com/products/",
  tag: "product-42",
} as const satisfies Record<By, string>;

export function PurgeForm() {
  const [by, setBy] = useState<By>("url");
  const [value, setValue] = useState("");
  const [errors, setErrors] = useState<FieldErrorMap>({});
  const purge = useMutation({
    mutationFn: () =>
      fetchJson<{ accepted: boolean }>("/api/v1/cache/purge", {
        method: "POST",
        body: { [by]: value.trim() },
      }),
    onMutate: () => setErrors({}),
    onError: (error) => setErrors(fieldErrorsFromFailure(error)),
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    purge.mutate();
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-3" aria-label="Purge the cache">
      <div className="grid gap-4 md:grid-cols-[12rem_1fr]">
        <SelectField
          label="Purge by"
          value={by}
          options={[
            { value: "url", label: "Exact URL" },
            { value: "prefix", label: "URL prefix" },
            { value: "tag", label: "Tag" },
          ]}
          onChange={(event) => setBy(event.currentTarget.value as By)}
        />
        <TextField
          label={by === "tag" ? "Tag" : by === "prefix" ? "URL prefix" : "URL"}
          placeholder={PLACEHOLDERS[by]}
          value={value}
          error={errors[by] ?? errors[""]}
          onChange={(event) => setValue(event.currentTarget.value)}
        />
      </div>
      <Button type="submit" disabled={purge.isPending || value.trim() === ""}>
        Purge
      </Button>
      {purge.isSuccess && (
        <Notice tone="success">Purge sent to every connected proxy node.</Notice>
      )}
    </form>
  );
}
