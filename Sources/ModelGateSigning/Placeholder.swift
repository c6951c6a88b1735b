enum ModelGateSigningPlaceholder {}
