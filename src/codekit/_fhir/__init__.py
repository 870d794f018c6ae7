"""FHIR terminology shapes: codekit's values as the Parameters and ValueSet resources that
``CodeSystem/$lookup``, ``$validate-code``, ``ConceptMap/$translate`` and ``ValueSet/$expand``
return (``systems`` names the code systems; ``shapes`` builds the JSON-ready dicts)."""
