#!/bin/sh
# The pseudonym key of an azd environment: written once into its Key Vault, never by a template.
#
#   azd's preprovision hook (azure.yaml), before every `azd up` and `azd provision`:
#     with PSEUDONYM_KEY_VERSION in the azd environment, it does nothing: the key stays the
#     version main.bicep is pinned to, so no redeployment can change it. Without it (the
#     environment's first provisioning), it creates the resource group and the Key Vault
#     (infra/key.bicep), writes a new random key into the vault as the secret pseudonym-key,
#     and pins the version it got: azd env set PSEUDONYM_KEY_VERSION. If the vault already
#     holds the key (the azd environment was made anew), it writes nothing and stops.
#
#   sh infra/hooks/pseudonym-key.sh new-version
#     writes a new random version for a rotation and prints it, pinning nothing; the app keeps
#     the pinned one until `key rotate` has re-filed the answers (docs/operations.md#4-the-pseudonym-key).
#
# The value goes to Azure Resource Manager in a request body read from a file only this user can
# read, deleted at exit: it is never a command-line argument (visible to every user of the
# machine) and never a deployment parameter (kept in the deployment's history). Writing through
# Resource Manager needs Contributor on the group, no Key Vault data role.
set -eu
cd "$(dirname "$0")/../.."

SECRET=pseudonym-key
API=2023-07-01

die() {
  echo "pseudonym-key: $*" >&2
  exit 1
}

# A value of the azd environment; empty when it has none.
value() {
  azd env get-value "$1" 2>/dev/null || true
}

mode=${1:-preprovision}
case $mode in
  preprovision | new-version) ;;
  *) die "usage: sh infra/hooks/pseudonym-key.sh [new-version]" ;;
esac

pinned=$(value PSEUDONYM_KEY_VERSION)
if [ "$mode" = preprovision ] && [ -n "$pinned" ]; then
  echo "pseudonym-key: the app stays on the pinned version $pinned; nothing written"
  exit 0
fi
if [ "$mode" = new-version ] && [ -z "$pinned" ]; then
  die "this azd environment has no key yet: its first azd up (or azd provision) writes it"
fi

environment=$(value AZURE_ENV_NAME)
group=$(value AZURE_RESOURCE_GROUP)
location=$(value AZURE_LOCATION)
[ -n "$environment" ] || die "no azd environment: azd env new dev (or test, prod) first"
[ -n "$group" ] || die "set the environment's resource group first: azd env set AZURE_RESOURCE_GROUP rg-hjemmekontor-$environment"
[ -n "$location" ] || die "set the environment's region first: azd env set AZURE_LOCATION norwayeast"

az group create --name "$group" --location "$location" \
  --tags "azd-env-name=$environment" --output none
vault=$(az deployment group create --resource-group "$group" --name pseudonym-key \
  --template-file infra/key.bicep \
  --parameters "tags={\"azd-env-name\": \"$environment\"}" \
  --query properties.outputs.keyVaultId.value --output tsv)
[ -n "$vault" ] || die "infra/key.bicep gave no vault"

secret="https://management.azure.com$vault/secrets/$SECRET?api-version=$API"
if [ "$mode" = preprovision ]; then
  # An azd environment made anew on another machine has no pin, but the vault has the key:
  # writing another would give the app a key the store refuses. The operator pins instead.
  if current=$(az rest --method get --url "$secret" \
    --query properties.secretUriWithVersion --output tsv 2>/dev/null); then
    die "the vault already holds $SECRET (its newest version: ${current##*/}), and this azd environment pins none. Pin the version the store uses (the Web App's PSEUDONYM_KEY setting names it): azd env set PSEUDONYM_KEY_VERSION <version>"
  fi
fi

umask 077
body=$(mktemp)
trap 'rm -f "$body"' EXIT
python3 -c '
import json, secrets
print(json.dumps({"properties": {
    "value": secrets.token_urlsafe(32),
    "contentType": "PSEUDONYM_KEY of the home-office bot; the app reads one pinned version",
}}))' >"$body"
uri=$(az rest --method put --url "$secret" \
  --body "@$body" --query properties.secretUriWithVersion --output tsv)
version=${uri##*/}
case $version in
  '' | *[!0-9a-f]*) die "Key Vault answered no secret version: $uri" ;;
esac
[ ${#version} -eq 32 ] || die "not a Key Vault secret version: $version"

if [ "$mode" = preprovision ]; then
  azd env set PSEUDONYM_KEY_VERSION "$version"
  echo "pseudonym-key: wrote the key into $SECRET and pinned version $version (PSEUDONYM_KEY_VERSION)"
else
  echo "$version"
  echo "pseudonym-key: wrote version $version of $SECRET; the app stays on $pinned until the rotation pins it" >&2
fi
