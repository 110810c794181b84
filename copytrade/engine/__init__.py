"""The copy engine: provider fills in, sized and risk-checked copies out, exactly once."""
