"""The Bicep under infra/, and azd's files, against the code they deploy.

No Bicep compiler can be installed where these tests run: the only registries reachable are
PyPI, npm and Debian's, and none ships one (the compiler comes from GitHub releases, NuGet or
downloads.bicep.azure.com; docs/operations.md#checking-the-templates says what was tried). So
tests/integration/test_bicep_compile.py compiles every template only where `bicep` or `az` is
on PATH, and skips here. The other tests prove that the templates agree with the code: the containers of
storage/port.py, the environment variables bot/settings.py reads, the routes the host serves,
the module parameters and outputs, the environments' shapes, the staging slot's settings, the
pinned pseudonym key and azd's parameters file. A small reader of Bicep's syntax (strings with
interpolation, comments, balanced brackets, top-level declarations, object entries) stands in
for the compiler; each check returns its problems, and `test_checks_catch_drift` edits the
templates to show that every check can fail.
"""

from __future__ import annotations

import ast
import inspect
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from bot.proactive import ConnectorSender
from bot.settings import Settings
from bot.telemetry import OtelRoundMetrics
from domain.delivery import RETRY
from storage.port import CONTAINERS
from tests.support.telemetry import Recorded

ROOT = Path(__file__).resolve().parents[2]
INFRA = ROOT / "infra"
MAIN = "main.bicep"
KEY = "key.bicep"
COSMOS = "modules/cosmos.bicep"
KEYVAULT = "modules/keyvault.bicep"
WEBAPP = "modules/webapp.bicep"
BOT = "modules/bot.bicep"
NETWORK = "modules/network.bicep"
MONITORING = "modules/monitoring.bicep"
MONITORING_SITE = "modules/monitoring-site.bicep"
PARAMETERS = "main.parameters.json"  # azd's: main.bicep's parameters from the azd environment
KEY_HOOK = "hooks/pseudonym-key.sh"
START_SCRIPT = "startup.sh"  # App Service's start command, at the top of the repository
AZURE_YAML = "azure.yaml"  # azd's project file, at the top of the repository

# Settings the host does not read itself but the platform, or a library, does.
PLATFORM_SETTINGS = {
    "SCM_DO_BUILD_DURING_DEPLOYMENT": "App Service: run Oryx (pip install) on zip deployment",
    "WEBSITES_PORT": "App Service: the container port it sends traffic to",
    "WEBSITES_CONTAINER_STOP_TIME_LIMIT": "App Service: seconds from SIGTERM to the kill",
    "AZURE_CLIENT_ID": "storage/cosmos_store.py: which user-assigned identity signs in",
    "WEBSITE_SWAP_WARMUP_PING_PATH": "App Service: where a swap checks the slot is up",
    "WEBSITE_SWAP_WARMUP_PING_STATUSES": "App Service: the answers that count as up",
}
# What production must set, and what it must not (keys and passwords: identities instead).
REQUIRED_SETTINGS = {
    "MicrosoftAppId",
    "MicrosoftAppType",
    "MicrosoftAppTenantId",
    "AZURE_CLIENT_ID",
    "STORAGE",
    "COSMOS_ENDPOINT",
    "COSMOS_DATABASE",
    "PSEUDONYM_KEY",
    "ALLOWED_TENANTS",
    "TIMEZONE",
    "HOST",
    "PORT",
    "WEBSITES_PORT",
    "WEBSITES_CONTAINER_STOP_TIME_LIMIT",
    "SCM_DO_BUILD_DURING_DEPLOYMENT",
    "SCHEDULER",
}
# Resource types whose newest API version is a preview, with the version allowed.
PREVIEW_ONLY = {
    # The only stable version (2016-09-01) has no category groups and no resource-specific tables.
    "Microsoft.Insights/diagnosticSettings": "2021-05-01-preview",
}
FORBIDDEN_SETTINGS = {"COSMOS_KEY", "MicrosoftAppPassword"}
COSMOS_DATA_CONTRIBUTOR = "00000000-0000-0000-0000-000000000002"
KEY_VAULT_SECRETS_USER = "4633458b-17de-408a-b874-0445c86b69e6"
REQUIRED_OUTPUTS = {"webAppHostName", "botEndpoint", "identityClientId", "cosmosEndpoint"}
# Stand-ins for the app settings whose values Azure computes at deployment.
DEPLOYMENT_VALUES = {
    "APPLICATIONINSIGHTS_CONNECTION_STRING": (
        "InstrumentationKey=0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e;"
        "IngestionEndpoint=https://norwayeast-0.in.applicationinsights.azure.com/"
    ),
    "MicrosoftAppId": "3f2b8c1e-5d4a-4e6b-9c7d-0a1b2c3d4e5f",
    "MicrosoftAppTenantId": "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
    "AZURE_CLIENT_ID": "3f2b8c1e-5d4a-4e6b-9c7d-0a1b2c3d4e5f",
    "COSMOS_ENDPOINT": "https://cosmos-hjemmekontor.documents.azure.com:443/",
    "COSMOS_DATABASE": "homeoffice",
    "PSEUDONYM_KEY": "k" * 43,  # the vault's answer to the reference
    "ALLOWED_TENANTS": "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
    "PUBLIC_BASE_URL": "https://app-hjemmekontor.azurewebsites.net",
}


# --- a reader of Bicep's syntax --------------------------------------------------------------


def _string_end(text: str, i: int) -> int:
    """Index after the string literal that starts at text[i] (a quote)."""
    if text.startswith("'''", i):
        end = text.find("'''", i + 3)
        if end < 0:
            raise ValueError(f"unterminated multi-line string at {i}")
        return end + 3
    j = i + 1
    while j < len(text):
        if text[j] == "\\":
            j += 2
        elif text[j] == "'":
            return j + 1
        elif text.startswith("${", j):
            j = _interpolation_end(text, j + 2)
        else:
            j += 1
    raise ValueError(f"unterminated string at {i}")


def _interpolation_end(text: str, j: int) -> int:
    depth = 1
    while j < len(text):
        if text[j] == "'":
            j = _string_end(text, j)
            continue
        if text[j] == "{":
            depth += 1
        elif text[j] == "}":
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1
    raise ValueError("unterminated interpolation")


def strip_comments(text: str) -> str:
    """The text without // and /* */ comments (newlines kept), strings untouched."""
    out: list[str] = []
    i = 0
    while i < len(text):
        if text[i] == "'":
            end = _string_end(text, i)
            out.append(text[i:end])
            i = end
        elif text.startswith("//", i):
            end = text.find("\n", i)
            i = len(text) if end < 0 else end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = len(text) if end < 0 else end + 2
            out.append("\n" * text.count("\n", i, end))
            i = end
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


_CLOSING = {"{": "}", "[": "]", "(": ")"}


def balanced(text: str, i: int) -> str:
    """The bracketed expression that opens at text[i]."""
    stack: list[str] = []
    j = i
    while j < len(text):
        c = text[j]
        if c == "'":
            j = _string_end(text, j)
            continue
        if c in _CLOSING:
            stack.append(_CLOSING[c])
        elif c in ")]}":
            if not stack or stack.pop() != c:
                raise ValueError(f"unbalanced {c!r} at {j}")
            if not stack:
                return text[i : j + 1]
        j += 1
    raise ValueError(f"unclosed bracket at {i}")


def _split_top_level(inner: str) -> list[str]:
    """Split at newlines and commas that are outside brackets and strings."""
    parts: list[str] = []
    start = depth = j = 0
    while j < len(inner):
        c = inner[j]
        if c == "'":
            j = _string_end(inner, j)
            continue
        if c in _CLOSING:
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c in "\n," and depth == 0:
            parts.append(inner[start:j])
            start = j + 1
        j += 1
    parts.append(inner[start:])
    return [part.strip() for part in parts if part.strip()]


_KEY = re.compile(r"('(?:[^'\\]|\\.)*'|[A-Za-z_$][\w$]*)\s*:\s*(.*)\Z", re.S)


def entries(obj: str) -> dict[str, str]:
    """Key → value text of an object literal `{ ... }` (quoted keys unquoted)."""
    obj = obj.strip()
    if not obj.startswith("{"):
        raise ValueError(f"not an object: {obj[:60]!r}")
    result: dict[str, str] = {}
    for part in _split_top_level(balanced(obj, 0)[1:-1]):
        match = _KEY.match(part)
        if not match:
            raise ValueError(f"not an object entry: {part[:60]!r}")
        key = match.group(1)
        result[key[1:-1] if key.startswith("'") else key] = match.group(2).strip()
    return result


def items(array: str) -> list[str]:
    """Element texts of an array literal `[ ... ]`."""
    array = array.strip()
    if not array.startswith("["):
        raise ValueError(f"not an array: {array[:60]!r}")
    return _split_top_level(balanced(array, 0)[1:-1])


def get(obj: str, *path: str) -> str:
    """The value at a path of keys in nested object literals."""
    value = obj
    for key in path:
        found = entries(value)
        if key not in found:
            raise KeyError(f"{key!r} not in object with {sorted(found)}")
        value = found[key]
    return value


_PLAIN_STRING = re.compile(r"'((?:[^'\\$]|\\.|\$(?!\{))*)'\Z")


def literal(value: str) -> str | bool | int | None:
    """The value of a literal string, bool or int; None for any other expression."""
    value = value.strip()
    if match := _PLAIN_STRING.match(value):
        return re.sub(r"\\(.)", r"\1", match.group(1))
    if value in ("true", "false"):
        return value == "true"
    if re.fullmatch(r"-?\d+", value):
        return int(value)
    return None


def interpolated(value: str) -> str | None:
    """A string literal's text with interpolations left as `${...}`; None if not a string."""
    value = value.strip()
    if value.startswith("'") and _string_end(value, 0) == len(value):
        return value[1:-1]
    return None


@dataclass
class Declaration:
    keyword: str
    head: list[str]
    value: str
    decorators: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.head[0]

    def body(self) -> str:
        """The object of a resource or module, also behind `if (...)` or `[for ...: ...]`."""
        value = self.value
        if value.startswith("if"):
            condition = balanced(value, value.index("("))
            value = value[value.index(condition) + len(condition) :].strip()
        if value.startswith("["):
            value = value[1:-1].strip()
            match = re.match(r"for\s+(\w+|\(\s*\w+\s*,\s*\w+\s*\))\s+in\s+(\w+)\s*:\s*", value)
            if not match:
                raise ValueError(f"unknown loop: {value[:60]!r}")
            value = value[match.end() :]
        return balanced(value, value.index("{"))

    def loop(self) -> tuple[str, str] | None:
        """(item variable, collection) of a `[for item in collection: ...]` declaration."""
        match = re.match(r"\[\s*for\s+(\w+)\s+in\s+(\w+)\s*:", self.value)
        return (match.group(1), match.group(2)) if match else None


_STATEMENT = re.compile(
    r"(targetScope|metadata|param|var|resource|module|output|type|import|func)\b"
)
_TOKEN = re.compile(r"'(?:[^'\\]|\\.)*'|[^\s]+")


def declarations(source: str) -> list[Declaration]:
    """The top-level declarations of a Bicep file, in order, with their decorators."""
    text = strip_comments(source)
    found: list[Declaration] = []
    decorators: list[str] = []
    i = 0
    while i < len(text):
        if text[i].isspace():
            i += 1
            continue
        if text[i] == "@":
            match = re.compile(r"@[\w.]+\s*").match(text, i)
            assert match, text[i : i + 40]
            end = match.end()
            if end < len(text) and text[end] == "(":
                end += len(balanced(text, end))
            decorators.append(text[i:end])
            i = end
            continue
        match = _STATEMENT.match(text, i)
        if not match:
            raise ValueError(f"unexpected text at top level: {text[i : i + 60]!r}")
        j = match.end()
        while j < len(text) and text[j] not in "=\n":
            j = _string_end(text, j) if text[j] == "'" else j + 1
        head = _TOKEN.findall(text[match.end() : j])
        value = ""
        if j < len(text) and text[j] == "=":
            k = j + 1
            depth = 0
            while k < len(text):
                c = text[k]
                if c == "'":
                    k = _string_end(text, k)
                    continue
                if c in _CLOSING:
                    depth += 1
                elif c in ")]}":
                    depth -= 1
                elif c == "\n" and depth == 0:
                    break
                k += 1
            value = text[j + 1 : k].strip()
            if not value:
                raise ValueError(f"{match.group(1)} {text[match.end() : j].strip()}: no value")
            j = k
        found.append(Declaration(match.group(1), head, value, decorators))
        decorators = []
        i = j
    return found


def resolve(file: Bicep, value: str) -> str:
    """The value of a variable when the value is just its name."""
    variable = file.variables.get(value.strip())
    return variable.value if variable else value


class Bicep:
    """One Bicep file's declarations, by kind."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.text = strip_comments(source)
        self.declarations = declarations(source)

    def _of(self, keyword: str) -> dict[str, Declaration]:
        return {d.name: d for d in self.declarations if d.keyword == keyword}

    @property
    def params(self) -> dict[str, Declaration]:
        return self._of("param")

    @property
    def variables(self) -> dict[str, Declaration]:
        return self._of("var")

    @property
    def outputs(self) -> dict[str, Declaration]:
        return self._of("output")

    @property
    def modules(self) -> dict[str, Declaration]:
        return self._of("module")

    @property
    def functions(self) -> dict[str, Declaration]:
        return self._of("func")

    def resources(self, type_suffix: str) -> list[Declaration]:
        """Resources whose type (before @version) ends with the suffix."""
        return [
            d
            for d in self.declarations
            if d.keyword == "resource" and d.head[1].strip("'").split("@")[0].endswith(type_suffix)
        ]

    def resource(self, type_suffix: str) -> Declaration:
        found = self.resources(type_suffix)
        assert len(found) == 1, f"expected one {type_suffix} resource, found {len(found)}"
        return found[0]


Infra = dict[str, str]  # file under infra/ → its text


def load_infra() -> Infra:
    # Every module, so that a new one is read (and its params checked) without a list here.
    modules = sorted(p.relative_to(INFRA).as_posix() for p in (INFRA / "modules").glob("*.bicep"))
    files = [MAIN, KEY, *modules, PARAMETERS, KEY_HOOK]
    infra = {name: (INFRA / name).read_text(encoding="utf-8") for name in files}
    top = {name: (ROOT / name).read_text(encoding="utf-8") for name in (START_SCRIPT, AZURE_YAML)}
    return {**infra, **top}


def bicep(infra: Infra, name: str) -> Bicep:
    return Bicep(infra[name])


def app_settings(infra: Infra) -> dict[str, str]:
    """The Web App's settings as main.bicep passes them to the webapp module."""
    return entries(get(bicep(infra, MAIN).modules["webApp"].body(), "params", "appSettings"))


def names_the_host_reads() -> set[str]:
    """Environment variables read by bot/settings.py (get("NAME")), cli/main.py and
    bot/telemetry.py (os.environ)."""
    names: set[str] = set()
    for path in (
        ROOT / "bot" / "settings.py",
        ROOT / "cli" / "main.py",
        ROOT / "bot" / "telemetry.py",
    ):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            first = node.args[0]
            if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                continue
            func = node.func
            if (isinstance(func, ast.Name) and func.id == "get") or (
                isinstance(func, ast.Attribute)
                and func.attr == "get"
                and isinstance(func.value, ast.Attribute)
                and func.value.attr == "environ"
            ):
                names.add(first.value)
    return names


def routes(method: str) -> set[str]:
    """Paths cli/serve.py registers with app.router.add_<method>."""
    found: set[str] = set()
    for node in ast.walk(ast.parse((ROOT / "cli" / "serve.py").read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == f"add_{method}"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.add(node.args[0].value)
    return found


# --- the checks: each returns a list of problems ---------------------------------------------


def container_problems(infra: Infra) -> list[str]:
    cosmos = bicep(infra, COSMOS)
    problems: list[str] = []
    declared = [literal(item) for item in items(cosmos.variables["containerNames"].value)]
    if sorted(map(str, declared)) != sorted(CONTAINERS) or len(declared) != len(set(declared)):
        problems.append(f"containerNames {declared} != storage/port.py CONTAINERS {CONTAINERS}")
    resources = cosmos.resources("sqlDatabases/containers")
    if len(resources) != 1:
        problems.append(f"expected one container resource (a loop), found {len(resources)}")
    for resource in resources:
        loop = resource.loop()
        if not loop or loop[1] != "containerNames":
            problems.append("the container resource does not loop over containerNames")
            continue
        body = resource.body()
        item = loop[0]
        if get(body, "name") != item or get(body, "properties", "resource", "id") != item:
            problems.append("container name and id are not the loop item")
        partition_key = get(body, "properties", "resource", "partitionKey")
        paths = [literal(p) for p in items(get(partition_key, "paths"))]
        if paths != ["/pk"]:
            problems.append(f"partition key paths {paths}, not ['/pk']")
        if literal(get(partition_key, "kind")) != "Hash":
            problems.append("partition key kind is not Hash")
        if literal(get(body, "properties", "resource", "defaultTtl")) != -1:
            problems.append("defaultTtl is not -1 (per-item TTL on, no default expiry)")
        if get(body, "parent") != cosmos.resource("sqlDatabases").name:
            problems.append("containers are not children of the database")
    database = cosmos.resource("/sqlDatabases")
    if get(database.body(), "properties", "resource", "id") != "databaseName":
        problems.append("the database id is not the databaseName parameter")
    return problems


def cosmos_access_problems(infra: Infra) -> list[str]:
    cosmos = bicep(infra, COSMOS)
    problems: list[str] = []
    account = cosmos.resource("Microsoft.DocumentDB/databaseAccounts").body()
    properties = get(account, "properties")
    if literal(get(properties, "disableLocalAuth")) is not True:
        problems.append("disableLocalAuth is not true: account keys would work")
    if literal(get(properties, "minimalTlsVersion")) != "Tls12":
        problems.append("minimalTlsVersion is not Tls12")
    if "EnableServerless" not in resolve(cosmos, get(properties, "capabilities")):
        problems.append("no EnableServerless capability")
    backup = get(properties, "backupPolicy")
    if literal(get(backup, "type")) != "Continuous" or (
        literal(get(backup, "continuousModeProperties", "tier")) != "Continuous7Days"
    ):
        problems.append("no continuous backup (7 days): no point-in-time restore")
    main = bicep(infra, MAIN)
    if literal(main.params["cosmosServerless"].value) is not True:
        problems.append("serverless is not the default")
    for name in (MAIN, COSMOS, KEYVAULT, WEBAPP, BOT):
        if re.search(r"\blist(Keys|ConnectionStrings)\s*\(", bicep(infra, name).text):
            problems.append(f"{name} reads account keys")
    # The bot's identity, and the operators who run the commands that send nothing (README).
    principals: dict[str, str] = {}
    for role in cosmos.resources("sqlRoleAssignments"):
        role_body = role.body()
        definition = get(role_body, "properties", "roleDefinitionId")
        role_var = re.search(r"\$\{(\w+)\}'?\s*\Z", definition)
        role_id = literal(cosmos.variables[role_var.group(1)].value) if role_var else None
        if role_id != COSMOS_DATA_CONTRIBUTOR:
            problems.append(f"the SQL role {role.name} is {role_id}, not Built-in Data Contributor")
        loop = role.loop()
        principal = get(role_body, "properties", "principalId")
        principals[loop[1] if loop and loop[0] == principal else principal] = role.name
    if set(principals) != {"dataContributorPrincipalId", "operatorPrincipalIds"}:
        problems.append(f"SQL roles go to {sorted(principals)}, not the identity and operators")
    cosmos_params = get(main.modules["cosmos"].body(), "params")
    passed = get(cosmos_params, "dataContributorPrincipalId")
    if passed != "identity.properties.principalId":
        problems.append(f"main gives the Cosmos role to {passed}, not the managed identity")
    operators = main.variables["operatorPrincipalIds"].value
    if get(cosmos_params, "operatorPrincipalIds") != "operatorPrincipalIds" or (
        "split(cosmosOperatorPrincipalIds, ',')" not in operators
    ):
        problems.append("main does not pass cosmosOperatorPrincipalIds to the operators' role")
    return problems


def app_setting_problems(infra: Infra) -> list[str]:
    settings = app_settings(infra)
    known = names_the_host_reads() | set(PLATFORM_SETTINGS)
    problems = [f"{name} is read by nobody" for name in settings if name not in known]
    problems += [f"{name} is missing" for name in sorted(REQUIRED_SETTINGS - set(settings))]
    problems += [f"{name} must not be set" for name in sorted(FORBIDDEN_SETTINGS & set(settings))]
    expected = {
        "MicrosoftAppType": "UserAssignedMSI",
        "STORAGE": "cosmos",
        "TIMEZONE": "Europe/Oslo",
        "HOST": "0.0.0.0",
        "SCM_DO_BUILD_DURING_DEPLOYMENT": "true",
    }
    for name, value in expected.items():
        if name in settings and literal(settings[name]) != value:
            problems.append(f"{name} is {settings[name]}, not {value!r}")
    if (
        settings.get("PORT") != settings.get("WEBSITES_PORT")
        or literal(settings.get("PORT", "")) is None
    ):
        problems.append("PORT and WEBSITES_PORT differ: App Service would call a closed port")
    problems += stop_time_problems(settings)
    identity_client_id = "identity.properties.clientId"
    for name in ("MicrosoftAppId", "AZURE_CLIENT_ID"):
        if settings.get(name) != identity_client_id:
            problems.append(f"{name} is not the managed identity's client id")
    reference = interpolated(settings.get("PSEUDONYM_KEY", "")) or ""
    if not re.fullmatch(
        r"@Microsoft\.KeyVault\(VaultName=\$\{keyVault\.outputs\.vaultName\};"
        r"SecretName=\$\{keyVault\.outputs\.secretName\};"
        r"SecretVersion=\$\{pseudonymKeyVersion\}\)",
        reference,
    ):
        problems.append(
            f"PSEUDONYM_KEY is not a Key Vault reference pinned to a version: {reference!r}"
        )
    webapp = bicep(infra, WEBAPP)
    _, listed = site_config(webapp, webapp.resource("Microsoft.Web/sites").body())
    if listed != "settingList(appSettings)" or not re.fullmatch(
        r"map\(\s*items\(settings\)\s*,\s*(\w+)\s*=>\s*\{\s*name:\s*\1\.key\s*,?\s*"
        r"value:\s*\1\.value\s*\}\s*\)",
        webapp.functions.get("settingList(settings", Declaration("", [], "")).value.lstrip("> "),
    ):
        problems.append("the webapp module does not turn appSettings into siteConfig.appSettings")
    return problems


def site_config(webapp: Bicep, site: str) -> tuple[str, str]:
    """A site's or slot's `siteConfig: union(siteConfig, { appSettings: ... })`: the shared
    configuration (the variable's object) and the expression of its own app settings."""
    value = get(site, "properties", "siteConfig")
    match = re.fullmatch(r"union\(\s*(\w+)\s*,\s*(\{.*\})\s*\)", value, re.S)
    if not match or match.group(1) not in webapp.variables:
        raise ValueError(f"siteConfig is not union(<variable>, {{ appSettings: ... }}): {value}")
    return webapp.variables[match.group(1)].value, get(match.group(2), "appSettings")


def stop_time_problems(settings: dict[str, str]) -> list[str]:
    """A stop must give a send in flight time to end (the connector's timeout), to wait out one
    throttling (the retry cap) and to try once more; App Service allows at most 120 s."""
    value = literal(settings.get("WEBSITES_CONTAINER_STOP_TIME_LIMIT", ""))
    send = inspect.signature(ConnectorSender).parameters["timeout"].default
    needed = send + RETRY.cap + send
    if not isinstance(value, str) or not value.isdigit() or not needed <= int(value) <= 120:
        return [f"WEBSITES_CONTAINER_STOP_TIME_LIMIT is {value!r}, not {needed:g} to 120 seconds"]
    return []


def host_start_problems(infra: Infra) -> list[str]:
    """Settings.from_env on the Bicep's settings (computed values replaced by stand-ins)."""
    env: dict[str, str] = {}
    for name, value in app_settings(infra).items():
        plain = literal(value)
        if isinstance(plain, str):
            env[name] = plain
        elif name in DEPLOYMENT_VALUES:
            env[name] = DEPLOYMENT_VALUES[name]
        else:
            return [f"{name} = {value} is computed and has no stand-in in DEPLOYMENT_VALUES"]
    try:
        settings = Settings.from_env(env)
    except ValueError as error:
        return [f"the host would not start: {error}"]
    problems = []
    if settings.local_mode or settings.app_type != "UserAssignedMSI":
        problems.append("the host would not authenticate as the managed identity")
    if settings.storage != "cosmos" or settings.cosmos_key:
        problems.append("the host would not use Cosmos DB with its identity")
    if settings.host != "0.0.0.0":
        problems.append(f"the host listens on {settings.host}, not on the container's interfaces")
    if str(settings.timezone) != "Europe/Oslo":
        problems.append(f"time zone {settings.timezone}")
    default_database = literal(bicep(infra, MAIN).params["cosmosDatabaseName"].value)
    if default_database != Settings().cosmos_database:
        problems.append(
            f"cosmosDatabaseName defaults to {default_database!r}, the host to "
            f"{Settings().cosmos_database!r}"
        )
    return problems


def endpoint_problems(infra: Infra) -> list[str]:
    main = bicep(infra, MAIN)
    problems: list[str] = []
    endpoint = interpolated(main.variables["messagingEndpoint"].value) or ""
    match = re.fullmatch(r"https://\$\{webApp\.outputs\.defaultHostName\}(/.*)", endpoint)
    if not match:
        problems.append(f"messaging endpoint {endpoint!r} is not https://<web app host>/...")
    elif match.group(1) != "/api/messages" or match.group(1) not in routes("post"):
        problems.append(
            f"messaging endpoint path {match.group(1)!r} is not cli/serve.py's POST route"
        )
    if get(main.modules["bot"].body(), "params", "messagingEndpoint") != "messagingEndpoint":
        problems.append("the bot module is not given messagingEndpoint")
    if main.outputs.get("botEndpoint") and main.outputs["botEndpoint"].value != "messagingEndpoint":
        problems.append("the botEndpoint output is not messagingEndpoint")
    bot = bicep(infra, BOT)
    registration = bot.resource("Microsoft.BotService/botServices")
    properties = get(registration.body(), "properties")
    if get(properties, "endpoint") != "messagingEndpoint":
        problems.append("the registration's endpoint is not the messagingEndpoint parameter")
    if literal(get(registration.body(), "kind")) != "azurebot":
        problems.append("the registration is not kind azurebot")
    if literal(get(properties, "msaAppType")) != "UserAssignedMSI":
        problems.append("msaAppType is not UserAssignedMSI")
    wiring = {
        "msaAppId": "identityClientId",
        "msaAppMSIResourceId": "identityResourceId",
        "msaAppTenantId": "identityTenantId",
    }
    for key, param in wiring.items():
        if get(properties, key) != param:
            problems.append(f"{key} is not the {param} parameter")
    bot_params = get(main.modules["bot"].body(), "params")
    if get(bot_params, "identityClientId") != "identity.properties.clientId":
        problems.append("main does not give the bot the identity's client id")
    if get(bot_params, "identityResourceId") != "identity.id":
        problems.append("main does not give the bot the identity's resource id")
    teams = bot.resource("botServices/channels").body()
    if (
        literal(get(teams, "name")) != "MsTeamsChannel"
        or literal(get(teams, "properties", "channelName")) != "MsTeamsChannel"
    ):
        problems.append("no Microsoft Teams channel")
    if literal(get(teams, "properties", "properties", "isEnabled")) is not True:
        problems.append("the Teams channel is not enabled")
    return problems


def web_app_problems(infra: Infra) -> list[str]:
    webapp = bicep(infra, WEBAPP)
    problems: list[str] = []
    if literal(get(webapp.resource("serverfarms").body(), "properties", "reserved")) is not True:
        problems.append("the plan is not Linux (reserved: true)")
    site = webapp.resource("Microsoft.Web/sites").body()
    config, _ = site_config(webapp, site)
    expected = {
        ("properties", "httpsOnly"): True,
        ("identity", "type"): "UserAssigned",
    }
    for path, value in expected.items():
        if literal(get(site, *path)) != value:
            problems.append(f"{'.'.join(path)} is {get(site, *path)}, not {value!r}")
    expected_config = {
        "alwaysOn": True,
        "linuxFxVersion": "PYTHON|3.11",
        "appCommandLine": "exec sh startup.sh",
    }
    for key, value in expected_config.items():
        if literal(get(config, key)) != value:
            problems.append(f"siteConfig.{key} is {get(config, key)}, not {value!r}")
    health = literal(get(config, "healthCheckPath"))
    if health != "/healthz" or health not in routes("get"):
        problems.append(f"healthCheckPath {health!r} is not cli/serve.py's GET /healthz")
    if get(site, "properties", "keyVaultReferenceIdentity") != "identityResourceId":
        problems.append("Key Vault references would not resolve as the managed identity")
    if "identityResourceId" not in get(site, "identity", "userAssignedIdentities"):
        problems.append("the app does not run as the managed identity")
    problems += start_script_problems(infra.get(START_SCRIPT, ""))
    policies = {
        literal(get(d.body(), "name")): literal(get(d.body(), "properties", "allow"))
        for d in webapp.resources("sites/basicPublishingCredentialsPolicies")
        if get(d.body(), "parent") == "site"
    }
    if policies != {"scm": False, "ftp": False}:
        problems.append(f"basic publishing credentials are not off for scm and ftp: {policies}")
    if get(bicep(infra, MAIN).modules["webApp"].body(), "params", "identityResourceId") != (
        "identity.id"
    ):
        problems.append("main does not give the web app the managed identity")
    return problems


def start_script_problems(script: str) -> list[str]:
    """startup.sh must end by exec'ing the host, so that Python gets App Service's SIGTERM."""
    lines = [line.strip() for line in script.splitlines() if line.strip()]
    if not lines or not re.fullmatch(r'exec python app\.py( "\$@")?', lines[-1]):
        return ["startup.sh does not end with `exec python app.py`"]
    return []


def key_vault_problems(infra: Infra) -> list[str]:
    keyvault = bicep(infra, KEYVAULT)
    problems: list[str] = []
    vault = keyvault.resource("Microsoft.KeyVault/vaults").body()
    if literal(get(vault, "properties", "enableRbacAuthorization")) is not True:
        problems.append("the vault does not use RBAC")
    problems += pinned_key_problems(infra)
    role = keyvault.resource("Microsoft.Authorization/roleAssignments").body()
    role_id = get(role, "properties", "roleDefinitionId")
    role_var = re.search(r",\s*(\w+)\)\s*\Z", role_id)
    if (
        not role_var
        or literal(keyvault.variables[role_var.group(1)].value) != KEY_VAULT_SECRETS_USER
    ):
        problems.append(f"the vault role {role_id} is not Key Vault Secrets User")
    if get(role, "properties", "principalId") != "secretsUserPrincipalId":
        problems.append("the vault role is not given to the secretsUserPrincipalId parameter")
    passed = get(bicep(infra, MAIN).modules["keyVault"].body(), "params", "secretsUserPrincipalId")
    if passed != "identity.properties.principalId":
        problems.append(f"main gives the vault role to {passed}, not the managed identity")
    return problems


def pinned_key_problems(infra: Infra) -> list[str]:
    """No template makes or holds the key's value: the hook writes it, once, and main.bicep
    pins the app to the version it wrote."""
    problems: list[str] = []
    for name in [n for n in infra if n.endswith(".bicep")]:
        file = bicep(infra, name)
        if file.resources("vaults/secrets"):
            problems.append(f"{name} writes a Key Vault secret: the key's value is made outside")
        secure = [p.name for p in file.params.values() if "@secure()" in p.decorators]
        problems += [f"{name}: secure param {p}: no template takes a secret" for p in secure]
        if re.search(r"\b(newGuid|utcNow)\(", file.text):
            problems.append(f"{name} makes up a value at each deployment")
    main = bicep(infra, MAIN)
    version = main.params.get("pseudonymKeyVersion")
    if version is None or version.value or version.head[1] != "string":
        problems.append("pseudonymKeyVersion is not a required string parameter of main.bicep")
    elif not {"@minLength(32)", "@maxLength(32)"} <= set(version.decorators):
        problems.append("pseudonymKeyVersion is not held to a Key Vault version's 32 characters")
    given = json.loads(infra[PARAMETERS]).get("parameters", {})
    if given.get("pseudonymKeyVersion", {}).get("value") != "${PSEUDONYM_KEY_VERSION}":
        problems.append(
            f"{PARAMETERS} does not take pseudonymKeyVersion from PSEUDONYM_KEY_VERSION"
        )
    hook = infra[KEY_HOOK]
    names = {
        literal(get(bicep(infra, KEY).modules["keyVault"].body(), "params", "secretName")),
        literal(main.variables["pseudonymSecretName"].value),
    }
    secret = re.search(r"^SECRET=(\S+)$", hook, re.M)
    if not secret or names != {secret.group(1)}:
        problems.append(f"the hook, key.bicep and main.bicep name different secrets: {names}")
    if not re.search(r'^\s*azd env set PSEUDONYM_KEY_VERSION "\$version"$', hook, re.M):
        problems.append("the hook does not pin the version it wrote")
    return problems


PRIVATE_ENDPOINTS = {
    # the service's sub-resource: its private DNS zone
    "Sql": "privatelink.documents.azure.com",
    "vault": "privatelink.vaultcore.azure.net",
}


def private_network_problems(infra: Infra) -> list[str]:
    """With privateNetwork, Cosmos DB and Key Vault take no public traffic and the app reaches
    them through its virtual network; without it, nothing changes."""
    main = bicep(infra, MAIN)
    problems: list[str] = []
    if literal(main.params["privateNetwork"].value) is not False:
        problems.append("privateNetwork is not off by default")
    for symbol, file, resource in (
        ("cosmos", COSMOS, "Microsoft.DocumentDB/databaseAccounts"),
        ("keyVault", KEYVAULT, "Microsoft.KeyVault/vaults"),
    ):
        passed = entries(get(main.modules[symbol].body(), "params"))
        if passed.get("privateOnly") != "privateNetwork":
            problems.append(f"main does not pass privateNetwork to {symbol}")
        access = get(bicep(infra, file).resource(resource).body(), "properties")
        if get(access, "publicNetworkAccess") != "privateOnly ? 'Disabled' : 'Enabled'":
            problems.append(f"{file}: public network access does not follow privateOnly")
    network = main.modules["network"]
    if not re.match(r"if\s*\(\s*privateNetwork\s*\)", network.value):
        problems.append("the network module is not deployed exactly when privateNetwork is on")
    given = get(network.body(), "params")
    wiring = {
        "cosmosAccountId": "cosmos.outputs.accountId",
        "keyVaultId": "keyVault.outputs.vaultId",
    }
    for param, value in wiring.items():
        if get(given, param) != value:
            problems.append(f"the network module's {param} is not {value}")
    endpoints = {
        literal(get(e, "groupId")): literal(get(e, "zone"))
        for e in items(bicep(infra, NETWORK).variables["endpoints"].value)
    }
    if endpoints != PRIVATE_ENDPOINTS:
        problems.append(f"private endpoints and DNS zones {endpoints} are not {PRIVATE_ENDPOINTS}")
    if get(main.modules["webApp"].body(), "params", "subnetId") != (
        "privateNetwork ? network.outputs.appSubnetId : ''"
    ):
        problems.append("the web app does not join the network's app subnet")
    site = get(bicep(infra, WEBAPP).resource("Microsoft.Web/sites").body(), "properties")
    if get(site, "virtualNetworkSubnetId") != "empty(subnetId) ? null : subnetId" or (
        get(site, "vnetRouteAllEnabled") != "!empty(subnetId)"
    ):
        problems.append("the web app does not send all its traffic through the network")
    return problems


# --- monitoring: modules/monitoring.bicep and monitoring-site.bicep ---------------------------

ALERTS = {
    MONITORING: {
        "no-round-opened",
        "delivery-stopped-or-lost",
        "directory-sync-failed",
        "cosmos-throttled",
    },
    MONITORING_SITE: {"http-5xx", "health-check-failing"},
}
# What each diagnostic setting watches, by the symbol of its `existing` resource.
DIAGNOSED = {
    MONITORING: {"cosmosAccount": "databaseAccounts", "vault": "vaults"},
    MONITORING_SITE: {"site": "Microsoft.Web/sites"},
}


def counters_the_host_exports() -> set[str]:
    """The metric names bot/telemetry.py exports, each counted once in memory."""
    recorded = Recorded()
    metrics = OtelRoundMetrics(recorded.telemetry.meter)
    metrics.opened()
    metrics.invited("card", 1)
    for outcome in ("sent", "failed", "dead"):
        metrics.settled("card", outcome)
    metrics.breaker_tripped("card")
    metrics.answered()
    metrics.opened_late()
    metrics.directory_sync_failed()
    return set(recorded.counters())


def monitoring_problems(infra: Infra) -> list[str]:
    main = bicep(infra, MAIN)
    monitoring = bicep(infra, MONITORING)
    problems: list[str] = []
    connection = app_settings(infra).get("APPLICATIONINSIGHTS_CONNECTION_STRING")
    if connection != "monitoring.outputs.connectionString":
        problems.append(f"the app's connection string is {connection}, not Application Insights'")
    component = monitoring.resource("Microsoft.Insights/components").body()
    if get(component, "properties", "WorkspaceResourceId") != "workspace.id":
        problems.append("Application Insights is not workspace-based on the module's workspace")
    logs = bicep(infra, MONITORING_SITE).resource("sites/config").body()
    if literal(get(logs, "name")) != "logs" or literal(
        get(logs, "properties", "applicationLogs", "fileSystem", "level")
    ) in (None, "Off"):
        problems.append("App Service application logging is not on")
    for name, watched in DIAGNOSED.items():
        file = bicep(infra, name)
        settings = {get(d.body(), "scope"): d.body() for d in file.resources("/diagnosticSettings")}
        for symbol, kind in watched.items():
            existing = [d for d in file.resources(kind) if d.name == symbol]
            if not existing or symbol not in settings:
                problems.append(f"{name}: no diagnostic setting for {symbol}")
            elif get(settings[symbol], "properties", "workspaceId") not in (
                "workspace.id",
                "workspaceId",
            ):
                problems.append(f"{name}: {symbol}'s diagnostics do not go to the workspace")
    exported = counters_the_host_exports()
    for name, wanted in ALERTS.items():
        file = bicep(infra, name)
        rules = file.resources("scheduledQueryRules") + file.resources("metricAlerts")
        found = {literal(get(r.body(), "name")) for r in rules}
        problems += [f"{name}: alert {a} is missing" for a in sorted(wanted - found)]
        for rule in rules:
            actions = get(rule.body(), "properties", "actions")
            if not re.search(r"\bactionGroup\.id\b|:\s*actionGroupId\s*$", actions, re.M):
                problems.append(f"{name}: alert {rule.name} tells no action group")
        queried = set(re.findall(r"homeoffice\.[a-z_.]*[a-z_]", file.text))
        problems += [f"{name}: no counter {q} is exported" for q in sorted(queried - exported)]
    passed = get(main.modules["monitoring"].body(), "params", "alertEmail")
    if passed != "alertEmail" or main.params["alertEmail"].value:
        problems.append("the alerts' e-mail is not a required parameter of main.bicep")
    return problems


def declaration_problems(infra: Infra) -> list[str]:
    """What the compiler would reject or the brief asks for, across main and its modules."""
    main = bicep(infra, MAIN)
    problems: list[str] = []
    for name in [n for n in infra if n.endswith(".bicep")]:
        file = bicep(infra, name)
        for param in file.params.values():
            if not any(d.startswith("@description(") for d in param.decorators):
                problems.append(f"{name}: param {param.name} has no @description")
        for d in file.declarations:
            if d.keyword == "resource":
                kind, version = d.head[1].strip("'").split("@")
                if version == PREVIEW_ONLY.get(kind):
                    continue
                if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", version):
                    problems.append(f"{name}: {d.name} uses API version {version}")
    for symbol, module in [*main.modules.items(), *bicep(infra, KEY).modules.items()]:
        path = INFRA / module.head[1].strip("'")
        key = path.relative_to(INFRA).as_posix()
        if key not in infra:
            problems.append(f"module {symbol}: {key} does not exist")
            continue
        target = bicep(infra, key)
        passed = set(entries(get(module.body(), "params")))
        declared = target.params
        problems += [f"module {symbol}: {key} has no param {p}" for p in passed - set(declared)]
        required = {p for p, d in declared.items() if not d.value}
        problems += [f"module {symbol}: required param {p} not given" for p in required - passed]
        used = set(re.findall(rf"\b{symbol}\.outputs\.(\w+)", main.text + bicep(infra, KEY).text))
        problems += [
            f"{symbol}.outputs.{o} is not an output of {key}" for o in used - set(target.outputs)
        ]
    problems += [f"output {o} is missing" for o in sorted(REQUIRED_OUTPUTS - set(main.outputs))]
    return problems


_JSON_TYPES: dict[str, type] = {
    "string": str,
    "bool": bool,
    "int": int,
    "object": dict,
    "array": list,
}


AZD_VALUE = re.compile(r"\$\{([A-Z][A-Z0-9_]*)\}")


def parameters_problems(infra: Infra) -> list[str]:
    """azd's parameters file: main.bicep's parameters, filled from the azd environment."""
    try:
        parameters = json.loads(infra[PARAMETERS])
    except json.JSONDecodeError as error:
        return [f"{PARAMETERS} is not JSON: {error}"]
    problems: list[str] = []
    if not str(parameters.get("$schema", "")).endswith("/deploymentParameters.json#"):
        problems.append("$schema is not the deployment parameters schema")
    if "contentVersion" not in parameters:
        problems.append("no contentVersion")
    declared = bicep(infra, MAIN).params
    given = parameters.get("parameters", {})
    for name, entry in given.items():
        if name not in declared:
            problems.append(f"{name} is not a param of main.bicep")
            continue
        param = declared[name]
        value = entry.get("value")
        expected_type = _JSON_TYPES[param.head[1]]
        if isinstance(value, str) and AZD_VALUE.search(value):
            # azd puts the environment's value in; only a string parameter takes it as it is.
            if not (expected_type is str and AZD_VALUE.fullmatch(value)):
                problems.append(f"{name}: {value!r} is not one azd value for a string param")
            continue
        if not isinstance(value, expected_type) or (
            expected_type is int and isinstance(value, bool)
        ):
            problems.append(f"{name}: {value!r} is not a Bicep {param.head[1]}")
        for decorator in param.decorators:
            if decorator.startswith("@allowed("):
                allowed = [literal(a) for a in items(decorator[len("@allowed(") : -1])]
                if value not in allowed:
                    problems.append(f"{name}: {value!r} is not one of {allowed}")
    required = {name for name, param in declared.items() if not param.value}
    problems += [f"required param {name} is missing" for name in sorted(required - set(given))]
    if given.get("environmentName", {}).get("value") != "${AZURE_ENV_NAME}":
        problems.append("environmentName is not the azd environment's name (AZURE_ENV_NAME)")
    return problems


# The environments, each an azd environment of the same name in its own resource group: the
# shape main.bicep gives each.
SHAPES = {
    "dev": {"planSku": "B1", "instances": 1, "stagingSlot": False},
    "test": {"planSku": "B1", "instances": 1, "stagingSlot": False},
    "prod": {"planSku": "P1v3", "instances": 2, "stagingSlot": True},
}


def environment_problems(infra: Infra) -> list[str]:
    main = bicep(infra, MAIN)
    problems: list[str] = []
    param = main.params["environmentName"]
    allowed = next((d for d in param.decorators if d.startswith("@allowed(")), "@allowed([])")
    names = [literal(a) for a in items(allowed[len("@allowed(") : -1])]
    if param.value or names != list(SHAPES):
        problems.append(f"environmentName is not a required choice of {list(SHAPES)}: {names}")
    table = entries(main.variables["environments"].value)
    shapes = {
        name: {k: literal(v) for k, v in entries(shape).items()} for name, shape in table.items()
    }
    if shapes != SHAPES:
        problems.append(f"the environments' shapes {shapes} are not {SHAPES}")
    prod = shapes.get("prod", {})
    if not re.fullmatch(r"P\dv3", str(prod.get("planSku"))) or int(prod.get("instances") or 0) < 2:
        problems.append("production is not Premium v3 with two instances or more")
    if main.variables["shape"].value != "environments[environmentName]":
        problems.append("the shape is not the environment's")
    given = entries(get(main.modules["webApp"].body(), "params"))
    for key in ("planSku", "instances", "stagingSlot"):
        if given.get(key) != f"shape.{key}":
            problems.append(f"the web app's {key} is not the environment's")
    webapp = bicep(infra, WEBAPP)
    sku = get(webapp.resource("serverfarms").body(), "sku")
    if entries(sku).get("name") != "planSku" or entries(sku).get("capacity") != "instances":
        problems.append("the plan does not take the environment's SKU and instance count")
    tags = main.variables["allTags"].value
    if not re.fullmatch(r"union\(tags,\s*\{\s*'azd-env-name':\s*environmentName\s*\}\)", tags):
        problems.append("the resources are not tagged with their azd environment")
    if re.search(r"^\s*tags:\s*tags\s*$", main.text, re.M):
        problems.append("a resource of main.bicep goes without the azd-env-name tag")
    return problems


def staging_problems(infra: Infra) -> list[str]:
    """Production's staging slot: the same app, but its slot settings keep it from running
    the scheduler or sending against production's store, before and after a swap."""
    main = bicep(infra, MAIN)
    webapp = bicep(infra, WEBAPP)
    problems: list[str] = []
    params = get(main.modules["webApp"].body(), "params")
    staging = entries(get(params, "stagingSettings"))
    staging_values = {k: literal(v) for k, v in staging.items()}
    production = app_settings(infra)
    unknown = sorted(set(staging_values) - set(production))
    problems += [f"staging's {name} is no app setting of production" for name in unknown]
    if staging_values.get("SCHEDULER") != "off" or literal(production.get("SCHEDULER", "")) != "on":
        problems.append("SCHEDULER is not on in production and off in staging")
    if (
        interpolated(staging.get("PUBLIC_BASE_URL", ""))
        != "https://${names.webApp}-staging.azurewebsites.net"
    ):
        problems.append("the staging slot's links do not point to the staging slot")
    slots = webapp.resources("sites/slots")
    if len(slots) != 1:
        return [*problems, f"expected one slot, found {len(slots)}"]
    slot = slots[0]
    body = slot.body()
    if not re.match(r"if\s*\(\s*stagingSlot\s*\)", slot.value) or literal(get(body, "name")) != (
        "staging"
    ):
        problems.append("the slot is not 'staging', made exactly when stagingSlot is on")
    site = webapp.resource("Microsoft.Web/sites").body()
    for path in (
        ("identity",),
        ("properties", "keyVaultReferenceIdentity"),
        ("properties", "httpsOnly"),
        ("properties", "virtualNetworkSubnetId"),
        ("properties", "vnetRouteAllEnabled"),
        ("properties", "serverFarmId"),
    ):
        if get(body, *path) != get(site, *path):
            problems.append(f"the slot's {'.'.join(path)} is not the app's")
    config, listed = site_config(webapp, body)
    if config != site_config(webapp, site)[0] or listed != (
        "settingList(union(appSettings, stagingSettings))"
    ):
        problems.append("the slot does not run the app's configuration with its own settings")
    sticky = webapp.resource("sites/config")
    sticky_body = sticky.body()
    names = get(sticky_body, "properties", "appSettingNames")
    if literal(get(sticky_body, "name")) != "slotConfigNames" or not re.fullmatch(
        r"\[\s*for\s+(\w+)\s+in\s+items\(stagingSettings\)\s*:\s*\1\.key\s*\]", names
    ):
        problems.append("staging's own settings are not slot settings (slotConfigNames)")
    policies = {
        literal(get(d.body(), "name")): literal(get(d.body(), "properties", "allow"))
        for d in webapp.resources("slots/basicPublishingCredentialsPolicies")
        if get(d.body(), "parent") == slot.name
    }
    if policies != {"scm": False, "ftp": False}:
        problems.append(f"the slot's basic publishing credentials are not off: {policies}")
    warmup = literal(production.get("WEBSITE_SWAP_WARMUP_PING_PATH", ""))
    if warmup not in routes("get") or warmup != literal(get(config, "healthCheckPath")):
        problems.append(f"a swap warms up on {warmup!r}, not the health check")
    # What the host does with them: the slot's settings as the host reads them.
    env = {
        name: str(literal(v) or DEPLOYMENT_VALUES.get(name, "")) for name, v in production.items()
    }
    env.update({k: str(v) for k, v in staging_values.items()})
    try:
        staged = Settings.from_env(env)
    except ValueError as error:
        return [*problems, f"the staging slot's host would not start: {error}"]
    if staged.scheduler:
        problems.append("the staging slot's host would run the scheduler")
    try:
        staged.check_can_send("round open")
        problems.append("the staging slot's host would send")
    except ValueError:
        pass
    return problems


def key_template_problems(infra: Infra) -> list[str]:
    """key.bicep makes the vault main.bicep later declares: the same name, module and settings."""
    key = bicep(infra, KEY)
    main = bicep(infra, MAIN)
    problems: list[str] = []
    module = key.modules.get("keyVault")
    if module is None or module.head[1] != main.modules["keyVault"].head[1]:
        return ["key.bicep does not deploy modules/keyvault.bicep as main.bicep does"]
    if key.variables["token"].value != main.variables["token"].value:
        problems.append("key.bicep and main.bicep derive names differently")
    name = get(module.body(), "params", "vaultName")
    if name != get(main.variables["names"].value, "keyVault"):
        problems.append(f"key.bicep names the vault {name}, main.bicep otherwise")
    for param in ("namePrefix", "privateNetwork", "keyVaultPurgeProtection"):
        if key.params[param].value != main.params[param].value:
            problems.append(f"key.bicep's {param} defaults otherwise than main.bicep's")
    if get(module.body(), "params", "privateOnly") != "privateNetwork":
        problems.append("key.bicep does not pass privateNetwork to the vault")
    return problems


def azd_problems(infra: Infra) -> list[str]:
    """azure.yaml: `azd up` provisions main.bicep, the hook makes the key first, and the code
    goes to the Web App that carries the service's tag."""
    project = yaml.safe_load(infra[AZURE_YAML])
    problems: list[str] = []
    if project.get("infra") != {"provider": "bicep", "path": "infra", "module": "main"}:
        problems.append(f"azd does not provision infra/main.bicep: {project.get('infra')}")
    services = project.get("services", {})
    if list(services) != ["bot"] or services["bot"] != {
        "project": ".",
        "language": "py",
        "host": "appservice",
    }:
        problems.append(f"the service is not the repository on App Service: {services}")
    tags = entries(get(bicep(infra, MAIN).modules["webApp"].body(), "params", "siteTags"))
    if {k: literal(v) for k, v in tags.items()} != {"azd-service-name": next(iter(services), "")}:
        problems.append("the Web App does not carry the service's azd-service-name tag")
    hook = project.get("hooks", {}).get("preprovision", {})
    if hook.get("run") != f"infra/{KEY_HOOK}" or hook.get("shell") != "sh":
        problems.append(f"the preprovision hook is not infra/{KEY_HOOK}: {hook}")
    if hook.get("continueOnError"):
        problems.append("a failed key hook would not stop the provisioning")
    read = set(re.findall(r"\bvalue (\w+)\)", infra[KEY_HOOK]))
    settable = {"AZURE_ENV_NAME", "AZURE_RESOURCE_GROUP", "AZURE_LOCATION", "PSEUDONYM_KEY_VERSION"}
    if read - settable:
        problems.append(f"the hook reads values azd and the runbook do not set: {read - settable}")
    return problems


CHECKS: dict[str, Callable[[Infra], list[str]]] = {
    "containers": container_problems,
    "cosmos_access": cosmos_access_problems,
    "app_settings": app_setting_problems,
    "host_start": host_start_problems,
    "endpoint": endpoint_problems,
    "web_app": web_app_problems,
    "key_vault": key_vault_problems,
    "private_network": private_network_problems,
    "declarations": declaration_problems,
    "parameters": parameters_problems,
    "monitoring": monitoring_problems,
    "environments": environment_problems,
    "staging_slot": staging_problems,
    "key_template": key_template_problems,
    "azd": azd_problems,
}


# --- the tests -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def infra() -> Infra:
    return load_infra()


@pytest.mark.parametrize("check", CHECKS)
def test_infra_agrees_with_the_code(infra: Infra, check: str) -> None:
    assert CHECKS[check](infra) == []


def test_the_reader_sees_every_declaration(infra: Infra) -> None:
    """Guards the checks themselves: a reader that saw nothing would find no problems."""
    main = bicep(infra, MAIN)
    assert {"namePrefix", "pseudonymKeyVersion", "environmentName"} <= set(main.params)
    assert set(main.modules) == {
        "cosmos", "keyVault", "webApp", "bot", "network", "monitoring", "monitoringSite"
    }  # fmt: skip
    assert len(app_settings(infra)) >= len(REQUIRED_SETTINGS)
    for name in (COSMOS, KEYVAULT, WEBAPP, BOT, NETWORK):
        count = len(re.findall(r"^resource ", bicep(infra, name).text, re.M))
        assert count == len(bicep(infra, name).resources("")) > 0
    assert {"PORT", "MicrosoftAppId", "PSEUDONYM_KEY", "TIMEZONE"} <= names_the_host_reads()
    assert routes("post") == {"/api/messages"}


def test_reader_handles_strings_comments_and_interpolation() -> None:
    source = (
        "// a comment with 'quotes'\n"
        "@description('it\\'s // not a comment')\n"
        "param a string = 'x${b ? 'y' : '}'}z' /* gone */\n"
        "var o = {\n  k: 'https://h/p' // trailing\n  'q-k': [\n    1\n    2\n  ]\n}\n"
    )
    file = Bicep(source)
    assert file.params["a"].decorators == ["@description('it\\'s // not a comment')"]
    assert file.params["a"].value == "'x${b ? 'y' : '}'}z'"
    assert entries(file.variables["o"].value) == {
        "k": "'https://h/p'",
        "q-k": "[\n    1\n    2\n  ]",
    }
    assert literal("'it\\'s'") == "it's"
    assert literal("'a${b}'") is None
    assert interpolated("'a${b}'") == "a${b}"
    with pytest.raises(ValueError, match="no value"):
        Bicep("param a string = \nparam b string\n")


# Each edit is a drift the checks must catch: (file, text, replacement, check).
DRIFTS = [
    (COSMOS, "  'leases'\n", "", "containers"),
    (COSMOS, "  'users'\n", "  'users'\n  'audit'\n", "containers"),
    (COSMOS, "'/pk'", "'/id'", "containers"),
    (COSMOS, "defaultTtl: -1", "defaultTtl: 3600", "containers"),
    (COSMOS, "disableLocalAuth: true", "disableLocalAuth: false", "cosmos_access"),
    (COSMOS, "name: 'EnableServerless'", "name: 'EnableCassandra'", "cosmos_access"),
    (
        COSMOS,
        "'00000000-0000-0000-0000-000000000002'",
        "'00000000-0000-0000-0000-000000000001'",
        "cosmos_access",
    ),
    (COSMOS, "in operatorPrincipalIds: {", "in dataContributors: {", "cosmos_access"),
    (
        MAIN,
        "operatorPrincipalIds: operatorPrincipalIds",
        "operatorPrincipalIds: []",
        "cosmos_access",
    ),
    (MAIN, "split(cosmosOperatorPrincipalIds, ',')", "split('', ',')", "cosmos_access"),
    (MAIN, "TIMEZONE: 'Europe/Oslo'", "TIME_ZONE: 'Europe/Oslo'", "app_settings"),
    (MAIN, "STORAGE: 'cosmos'", "STORAGE: 'cosmos'\n      COSMOS_KEY: 'k'", "app_settings"),
    (MAIN, "PORT: '8000'\n", "PORT: '8080'\n", "app_settings"),
    (MAIN, "MicrosoftAppType: 'UserAssignedMSI'", "MicrosoftAppType: 'SingleTenant'", "host_start"),
    (MAIN, "/api/messages'", "/api/message'", "endpoint"),
    (BOT, "name: 'MsTeamsChannel'", "name: 'WebChatChannel'", "endpoint"),
    (BOT, "msaAppType: 'UserAssignedMSI'", "msaAppType: 'MultiTenant'", "endpoint"),
    (WEBAPP, "healthCheckPath: '/healthz'", "healthCheckPath: '/health'", "web_app"),
    (WEBAPP, "alwaysOn: true", "alwaysOn: false", "web_app"),
    (WEBAPP, "'exec sh startup.sh'", "'python app.py'", "web_app"),
    (START_SCRIPT, "exec python app.py", "python app.py", "web_app"),
    (
        WEBAPP,
        "name: 'ftp'\n  properties: {\n    allow: false",
        "name: 'ftp'\n  properties: {\n    allow: true",
        "web_app",
    ),
    (WEBAPP, "name: 'scm'", "name: 'scm-off'", "web_app"),
    (MAIN, "STOP_TIME_LIMIT: '90'", "STOP_TIME_LIMIT: '5'", "app_settings"),
    (MAIN, "STOP_TIME_LIMIT: '90'", "STOP_TIME_LIMIT: '600'", "app_settings"),
    (MAIN, "      WEBSITES_CONTAINER_STOP_TIME_LIMIT: '90'\n", "", "app_settings"),
    (COSMOS, "tier: 'Continuous7Days'", "tier: 'Continuous30Days'", "cosmos_access"),
    (COSMOS, "type: 'Continuous'", "type: 'Periodic'", "cosmos_access"),
    (
        MAIN,
        "param privateNetwork bool = false",
        "param privateNetwork bool = true",
        "private_network",
    ),
    (MAIN, "    privateOnly: privateNetwork\n", "", "private_network"),
    (KEYVAULT, "privateOnly ? 'Disabled' : 'Enabled'", "'Enabled'", "private_network"),
    (NETWORK, "groupId: 'Sql'", "groupId: 'MongoDB'", "private_network"),
    (
        NETWORK,
        "zone: 'privatelink.vaultcore.azure.net'",
        "zone: 'vault.azure.net'",
        "private_network",
    ),
    (
        WEBAPP,
        "vnetRouteAllEnabled: !empty(subnetId)",
        "vnetRouteAllEnabled: false",
        "private_network",
    ),
    (MAIN, "= if (privateNetwork) {", "= {", "private_network"),
    (KEYVAULT, "enableRbacAuthorization: true", "enableRbacAuthorization: false", "key_vault"),
    # The key: made outside every template, and pinned by version.
    (
        MAIN,
        "SecretName=${keyVault.outputs.secretName};SecretVersion=${pseudonymKeyVersion})",
        "SecretName=${keyVault.outputs.secretName})",
        "app_settings",
    ),
    (
        KEYVAULT,
        "// Scoped to the vault",
        "resource secret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {\n  parent: vault\n"
        "  name: secretName\n  properties: {\n    value: 'x'\n  }\n}\n\n// Scoped to the vault",
        "key_vault",
    ),
    (
        MAIN,
        "@minLength(32)\n@maxLength(32)\nparam pseudonymKeyVersion string\n",
        "@minLength(32)\n@maxLength(32)\nparam pseudonymKeyVersion string\n\n"
        "@description('k')\n@secure()\nparam pseudonymKey string = newGuid()\n",
        "key_vault",
    ),
    (
        MAIN,
        "param pseudonymKeyVersion string\n",
        "param pseudonymKeyVersion string = ''\n",
        "key_vault",
    ),
    (PARAMETERS, '"${PSEUDONYM_KEY_VERSION}"', '"${PSEUDONYM_KEY}"', "key_vault"),
    (KEY_HOOK, "SECRET=pseudonym-key", "SECRET=pseudonym", "key_vault"),
    (KEY_HOOK, 'azd env set PSEUDONYM_KEY_VERSION "$version"', 'echo "$version"', "key_vault"),
    (
        KEYVAULT,
        "'4633458b-17de-408a-b874-0445c86b69e6'",
        "'00482a5a-887f-4fb3-b363-3b7fe8e74483'",
        "key_vault",
    ),
    (BOT, "@description('Resource id of the managed identity.')\n", "", "declarations"),
    (
        MAIN,
        "name: 'bot'\n  params: {\n",
        "name: 'bot'\n  params: {\n    location: location\n",
        "declarations",
    ),
    (MAIN, "keyVault.outputs.secretName", "keyVault.outputs.secret", "declarations"),
    (
        COSMOS,
        "@2024-11-15' = {\n  parent: account",
        "@2024-12-01-preview' = {\n  parent: account",
        "declarations",
    ),
    (PARAMETERS, '"environmentName": {', '"environment": {', "parameters"),
    (PARAMETERS, '"${AZURE_ENV_NAME}"', '"prod"', "parameters"),
    (PARAMETERS, '"${ALERT_EMAIL}"', '"mail: ${ALERT_EMAIL}"', "parameters"),
    (PARAMETERS, '"contentVersion"', '"contentVersion",', "parameters"),
    (PARAMETERS, '"${AZURE_LOCATION}"', '"${AZURE_LOCATION}-2"', "parameters"),
    # The environments' shapes.
    (MAIN, "    planSku: 'P1v3'\n", "    planSku: 'S1'\n", "environments"),
    (MAIN, "    instances: 2\n", "    instances: 1\n", "environments"),
    (MAIN, "  'test'\n  'prod'\n", "  'prod'\n", "environments"),
    (MAIN, "    stagingSlot: shape.stagingSlot\n", "    stagingSlot: true\n", "environments"),
    (WEBAPP, "    capacity: instances\n", "", "environments"),
    (MAIN, "  tags: allTags\n", "  tags: tags\n", "environments"),
    # The staging slot.
    (MAIN, "      SCHEDULER: 'off'\n", "      SCHEDULER: 'on'\n", "staging_slot"),
    (MAIN, "      SCHEDULER: 'off'\n", "", "staging_slot"),
    (
        MAIN,
        "      SCHEDULER: 'off'\n",
        "      SCHEDULER: 'off'\n      SCHEDULE: 'off'\n",
        "staging_slot",
    ),
    (MAIN, "-staging.azurewebsites.net'", ".azurewebsites.net'", "staging_slot"),
    (
        WEBAPP,
        "in items(stagingSettings): setting.key]",
        "in items(appSettings): setting.key]",
        "staging_slot",
    ),
    (
        WEBAPP,
        "settingList(union(appSettings, stagingSettings))",
        "settingList(appSettings)",
        "staging_slot",
    ),
    (
        WEBAPP,
        "= if (stagingSlot) {\n  parent: site\n  name: 'staging'",
        "= {\n  parent: site\n  name: 'staging'",
        "staging_slot",
    ),
    (
        WEBAPP,
        "name: 'ftp'\n  properties: {\n    allow: false\n  }\n}\n\n@description",
        "name: 'ftp'\n  properties: {\n    allow: true\n  }\n}\n\n@description",
        "staging_slot",
    ),
    (
        MAIN,
        "WEBSITE_SWAP_WARMUP_PING_PATH: '/healthz'",
        "WEBSITE_SWAP_WARMUP_PING_PATH: '/'",
        "staging_slot",
    ),
    # The vault key.bicep makes first.
    (KEY, "'kv-${namePrefix}-${take(token, 8)}'", "'kv-${namePrefix}-${token}'", "key_template"),
    (KEY, "param privateNetwork bool = false", "param privateNetwork bool = true", "key_template"),
    (KEY, "'modules/keyvault.bicep'", "'modules/vault.bicep'", "key_template"),
    # azd.
    (AZURE_YAML, "    host: appservice", "    host: containerapp", "azd"),
    (AZURE_YAML, "  module: main", "  module: app", "azd"),
    (AZURE_YAML, "    run: infra/hooks/pseudonym-key.sh", "    run: infra/hooks/key.sh", "azd"),
    (AZURE_YAML, "continueOnError: false", "continueOnError: true", "azd"),
    (MAIN, "'azd-service-name': 'bot'", "'azd-service-name': 'web'", "azd"),
    (KEY_HOOK, "pinned=$(value PSEUDONYM_KEY_VERSION)", "pinned=$(value KEY_VERSION)", "azd"),
    (
        MAIN,
        "APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.connectionString",
        "APPLICATIONINSIGHTS_CONNECTION_STRING: ''",
        "monitoring",
    ),
    (MONITORING, "WorkspaceResourceId: workspace.id", "WorkspaceResourceId: ''", "monitoring"),
    (MONITORING, "scope: vault\n", "scope: cosmosAccount\n", "monitoring"),
    (MONITORING_SITE, "level: 'Information'", "level: 'Off'", "monitoring"),
    (MONITORING_SITE, "name: 'health-check-failing'", "name: 'health'", "monitoring"),
    (MONITORING, "'homeoffice.round.opened'", "'homeoffice.rounds.opened'", "monitoring"),
    (MONITORING, "actionGroupId: actionGroup.id", "actionGroupId: ''", "monitoring"),
    (MAIN, "param alertEmail string\n", "param alertEmail string = ''\n", "monitoring"),
]


@pytest.mark.parametrize(("file", "text", "replacement", "check"), DRIFTS)
def test_checks_catch_drift(
    infra: Infra, file: str, text: str, replacement: str, check: str
) -> None:
    assert text in infra[file], f"the drift no longer applies to {file}: {text!r}"
    drifted = {**infra, file: infra[file].replace(text, replacement, 1)}
    assert CHECKS[check](drifted) != []
