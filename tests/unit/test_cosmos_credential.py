"""Cosmos DB without a key: only the managed identity on App Service, az login elsewhere."""

from __future__ import annotations

from azure.identity.aio import DefaultAzureCredential, ManagedIdentityCredential

from storage.cosmos_store import identity_credential

CLIENT_ID = "3f2b8c1e-5d4a-4e6b-9c7d-0a1b2c3d4e5f"


async def test_on_app_service_only_the_user_assigned_managed_identity_signs() -> None:
    env = {"IDENTITY_ENDPOINT": "http://169.254.129.1:8081/msi/token", "AZURE_CLIENT_ID": CLIENT_ID}
    credential = identity_credential(env)
    try:
        assert isinstance(credential, ManagedIdentityCredential)
        assert not isinstance(credential, DefaultAzureCredential)
    finally:
        await credential.close()


async def test_on_an_operators_workstation_the_default_chain_signs() -> None:
    credential = identity_credential({"AZURE_CLIENT_ID": CLIENT_ID})
    try:
        assert isinstance(credential, DefaultAzureCredential)
    finally:
        await credential.close()
