// Key Vault that holds the pseudonym key, readable by the managed identity only through RBAC.
//
// No template writes the key's value: infra/hooks/pseudonym-key.sh creates it once, as a new
// secret version, and main.bicep pins the app to that version (docs/operations.md#4-the-pseudonym-key).
// This module is deployed by main.bicep and, before the key exists, by infra/key.bicep.

@description('Name of the Key Vault: globally unique, 3-24 characters, letters, digits and hyphens.')
@minLength(3)
@maxLength(24)
param vaultName string

@description('Azure region of the vault.')
param location string

@description('Tags put on every resource.')
param tags object = {}

@description('Switch on purge protection (cannot be switched off again once on).')
param purgeProtection bool = true

@description('Name of the secret that holds the pseudonym key (written by infra/hooks/pseudonym-key.sh, not here).')
param secretName string

@description('Principal (object) id of the managed identity that gets the Key Vault Secrets User role; empty = none yet (infra/key.bicep, before the identity exists).')
param secretsUserPrincipalId string

@description('true = reachable only through private endpoints (modules/network.bicep); the app then resolves its Key Vault reference through its VNet integration.')
param privateOnly bool = false

// Key Vault Secrets User: read secret values, nothing else.
var secretsUserRoleId = '4633458b-17de-408a-b874-0445c86b69e6'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: vaultName
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    // RBAC instead of access policies: one permission model for every resource here.
    enableRbacAuthorization: true
    // The pseudonym key cannot be recreated (answers stored under it would be orphaned), so a
    // deleted vault or secret must stay recoverable.
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    // The property accepts only true, or absence.
    enablePurgeProtection: purgeProtection ? true : null
    // Public: App Service resolves Key Vault references from its public outbound addresses.
    publicNetworkAccess: privateOnly ? 'Disabled' : 'Enabled'
  }
}

// Scoped to the vault, which holds nothing but this bot's secret.
resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(secretsUserPrincipalId)) {
  scope: vault
  name: guid(vault.id, secretsUserPrincipalId, secretsUserRoleId)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsUserRoleId)
    principalId: secretsUserPrincipalId
    // A new identity may not have replicated yet; the type lets the assignment go through anyway.
    principalType: 'ServicePrincipal'
  }
}

@description('Name of the vault.')
output vaultName string = vault.name

@description('Resource id of the vault, for its private endpoint.')
output vaultId string = vault.id

@description('Name of the secret that holds the pseudonym key.')
output secretName string = secretName
