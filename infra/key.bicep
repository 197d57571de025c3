// The Key Vault of the pseudonym key, before anything else of an environment exists.
//
// infra/hooks/pseudonym-key.sh (azd's preprovision hook) deploys this, then writes the key into
// the vault once, as a secret version, and pins that version in the azd environment
// (PSEUDONYM_KEY_VERSION); main.bicep then points the app at exactly that version. No template
// ever holds the key's value, so a redeployment cannot regenerate it. main.bicep declares the
// same vault (same name, same module, same settings) and gives the bot's identity its role.

targetScope = 'resourceGroup'

@description('Short prefix of every resource name, as main.bicep\'s namePrefix: the vault\'s name comes from it the same way.')
@minLength(2)
@maxLength(12)
param namePrefix string = 'hjemmekontor'

@description('Azure region of the vault.')
param location string = resourceGroup().location

@description('Tags put on the vault.')
param tags object = {}

@description('As main.bicep\'s privateNetwork: the vault then takes no public traffic.')
param privateNetwork bool = false

@description('As main.bicep\'s keyVaultPurgeProtection.')
param keyVaultPurgeProtection bool = true

var token = uniqueString(resourceGroup().id, namePrefix)

module keyVault 'modules/keyvault.bicep' = {
  // Not main.bicep's 'keyvault': the two deployments keep their own history in the group.
  name: 'pseudonym-keyvault'
  params: {
    vaultName: 'kv-${namePrefix}-${take(token, 8)}'
    location: location
    tags: tags
    purgeProtection: keyVaultPurgeProtection
    secretName: 'pseudonym-key'
    secretsUserPrincipalId: ''
    privateOnly: privateNetwork
  }
}

@description('Name of the vault.')
output keyVaultName string = keyVault.outputs.vaultName

@description('Resource id of the vault: the hook writes the secret through Azure Resource Manager under it.')
output keyVaultId string = keyVault.outputs.vaultId

@description('Name of the secret that holds the pseudonym key.')
output secretName string = keyVault.outputs.secretName
