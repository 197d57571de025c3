// Key Vault with the pseudonym key, readable by the managed identity only through RBAC.

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

@description('Name of the secret that holds the pseudonym key.')
param secretName string

@description('Value of the secret. Empty = leave the stored secret as it is (re-deployments).')
@secure()
param secretValue string = ''

@description('Principal (object) id of the managed identity that gets the Key Vault Secrets User role.')
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

// Written through Azure Resource Manager (the deployer needs no data-plane role), and only when
// a value is given, so a re-deployment without the parameter cannot change the key.
resource secret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(secretValue)) {
  parent: vault
  name: secretName
  properties: {
    value: secretValue
    contentType: 'PSEUDONYM_KEY of the home-office bot; never change it'
  }
}

// Scoped to the vault, which holds nothing but this bot's secret.
resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
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
