enum ModelGateCatalogPlaceholder {}
