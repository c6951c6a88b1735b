enum ModelGateCredentialsPlaceholder {}
