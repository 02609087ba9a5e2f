# Allow B2B collaboration with organisations in the US Government cloud. Global cloud only.
resource "azuread_cross_tenant_access_policy" "this" {
  allowed_cloud_endpoints = ["microsoftonline.us"]
}
