enum ModelGateConfigPlaceholder {}
