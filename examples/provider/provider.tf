terraform {
  required_providers {
    azuread = {
      source  = "entra-xtap/azuread"
      version = "~> 0.2"
    }
  }
}

# With an empty block the provider reads its credentials from the environment:
# ARM_TENANT_ID, ARM_CLIENT_ID and ARM_CLIENT_SECRET (or ARM_CLIENT_SECRET_FILE_PATH).
provider "azuread" {}
