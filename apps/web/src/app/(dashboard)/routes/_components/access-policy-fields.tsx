"use client";

import type { Access } from "@concierge/config/route-access";

import type { FieldErrorMap } from "../../../../client/field-error-map.ts";
import { Button } from "../../../../components/ui/button.tsx";
import { CheckboxField } from "../../../../components/ui/checkbox-field.tsx";
import { ChipsInput } from "../../../../components/ui/chips-input.tsx";
import { TextField } from "../../../../components/ui/text-field.tsx";
import { firstError } from "./first-error.ts";

type BasicAuth = NonNullable<Access["basicAuth"]>;

const NEW_USER = { username: "", passwordHash: "" };
const PASSWORD_HASH_HINT =
  "The argon2id hash ($argon2id$v=19$m=…), never the password: the route stores only the hash. Make one with `argon2 <salt> -id -e`.";

function BasicAuthUsers({
  basicAuth,
  errors,
  onChange,
}: {
  basicAuth: BasicAuth;
  errors: FieldErrorMap;
  onChange: (basicAuth: BasicAuth) => void;
}) {
  function setUser(index: number, user: BasicAuth["users"][number]) {
    onChange({ ...basicAuth, users: basicAuth.users.map((other, at) => (at === index ? user : other)) });
  }
  const path = "policies.access.basicAuth";
  return (
    <div className="space-y-3">
      <TextField
        label="Realm"
        value={basicAuth.realm}
        error={errors[`${path}.realm`]}
        onChange={(event) => onChange({ ...basicAuth, realm: event.currentTarget.value })}
      />
      {basicAuth.users.map((user, index) => (
        <div key={index} className="grid gap-3 md:grid-cols-[1fr_2fr_auto] md:items-start">
          <TextField
            label={`User ${index + 1} name`}
            value={user.username}
            error={errors[`${path}.users[${index}].username`]}
            onChange={(event) => setUser(index, { ...user, username: event.currentTarget.value })}
          />
          <TextField
            label={`User ${index + 1} argon2id hash`}
            hint={PASSWORD_HASH_HINT}
            className="font-mono"
            spellCheck={false}
            value={user.passwordHash}
            error={errors[`${path}.users[${index}].passwordHash`]}
            onChange={(event) => setUser(index, { ...user, passwordHash: event.currentTarget.value })}
          />
          <Button
            variant="secondary"
            className="md:mt-6"
            aria-label={`Remove user ${index + 1}`}
            onClick={() => onChange({ ...basicAuth, users: basicAuth.users.filter((_, at) => at !== index) })}
          >
            Remove
          </Button>
        </div>
      ))}
      {errors[`${path}.users`] && (
        <p className="text-xs text-red-700 dark:text-red-400" data-field-error>
          {errors[`${path}.users`]}
        </p>
      )}
      <Button variant="secondary" onClick={() => onChange({ ...basicAuth, users: [...basicAuth.users, NEW_USER] })}>
        Add user
      </Button>
    </div>
  );
}

/** Who may pass: address allow / deny lists and basic auth users. */
export function AccessPolicyFields({
  access,
  errors,
  onChange,
}: {
  access: Access;
  errors: FieldErrorMap;
  onChange: (access: Access) => void;
}) {
  return (
    <fieldset className="space-y-4">
      <legend className="mb-2 text-sm font-semibold">Access</legend>
      <div className="grid gap-4 md:grid-cols-2">
        <ChipsInput
          label="Allow addresses"
          hint="IPs or CIDR ranges (10.0.0.0/8). Empty: every address may pass."
          values={access.allow}
          error={firstError(errors, "policies.access.allow")}
          onValuesChange={(allow) => onChange({ ...access, allow })}
        />
        <ChipsInput
          label="Deny addresses"
          hint="Deny wins over allow."
          values={access.deny}
          error={firstError(errors, "policies.access.deny")}
          onValuesChange={(deny) => onChange({ ...access, deny })}
        />
      </div>
      <CheckboxField
        label="Require basic auth"
        checked={access.basicAuth !== undefined}
        onCheckedChange={(on) =>
          onChange({ ...access, basicAuth: on ? { realm: "Restricted", users: [NEW_USER] } : undefined })
        }
      />
      {access.basicAuth && (
        <BasicAuthUsers
          basicAuth={access.basicAuth}
          errors={errors}
          onChange={(basicAuth) => onChange({ ...access, basicAuth })}
        />
      )}
    </fieldset>
  );
}
