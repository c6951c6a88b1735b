enum ModelGateServicesPlaceholder {}
