{#- The rules of a model's columns, checked in ONE scan of the model by one generic test per model.

    Attached to every mart (models/marts/*.yml) and to every other model or seed whose YAML declares column
    constraints (tests/test_quality_suites.py checks both):
        data_tests:
          - column_rules

    Two kinds of rules, one scan:
    - the naming conventions of the marts' columns (models of models/marts only): the test reads the columns the
      model really has (adapter.get_columns_in_relation) and keeps for each column the first rule of
      column_convention_rules() whose name pattern it matches (range rules on numeric columns only; codes as
      published, published_* / old_* / source_*, are left alone);
    - the rules declared beside each column in the model's YAML, as dbt's standard column `constraints`, read
      from the model's node in `graph` at execution:
          - name: place_status
            constraints:
              - type: not_null                       # 'valeur renseignée'
              - type: check                          # 'valeur parmi les valeurs admises (ouvert, ferme)'
                expression: "place_status in ('ouvert', 'ferme')"
      A `check` is broken where its expression is false: a null passes, as in SQL's CHECK and in dbt's
      accepted_values (a `check` other than "<column> in (...)" is quoted as is: 'vérifie « ... »'). They are
      blocking; a column with `config: {meta: {constraint_severity: warn}}` only warns. No model enforces a
      contract, so dbt only records the constraints (nothing in the DDL); unique, primary_key, foreign_key and
      custom constraints need other scans (the tests unique, unique_combination_of_columns, relationships) and
      are refused here rather than silently left unchecked.
    The test returns every (row, rule) broken: the column, the rule in French, its level (error: blocks the
    publication; warn: a warning) and the value. One scan of the model, whatever the rules and levels.
    One test with two levels: dbt gives a test one outcome, computed from `fail_calc`. Here `failures` is
    2 when a blocking rule is broken, 1 when only warnings are, 0 otherwise (warn_if > 0, error_if > 1): the
    number of broken values is in the stored rows (dbt_test__audit schema), which the run report quotes per
    column, rule and level (orchestration/report.py).
-#}

{#- (name pattern, check, severity, rule in French). Severity error: the publication stops; warn: reported. -#}
{% macro column_convention_rules() %}
    {{ return([
        {'pattern': '(?:.+_)?commune_code', 'regex': '(?:\\d{5}|2[AB]\\d{3})', 'severity': 'error',
         'rule': 'code commune INSEE valide'},
        {'pattern': 'departement_code', 'regex': '(?:\\d{2}|2[AB]|97\\d)', 'severity': 'warn',
         'rule': 'code de département valide'},
        {'pattern': 'region_code', 'regex': '\\d{2}', 'severity': 'warn', 'rule': 'code de région valide'},
        {'pattern': 'epci_code', 'regex': '\\d{9}', 'severity': 'warn', 'rule': "SIREN d'EPCI à 9 chiffres"},
        {'pattern': 'share_.+', 'min': 0, 'max': 1, 'severity': 'error', 'rule': 'part entre 0 et 1'},
        {'pattern': 'n_.+|population.*', 'min': 0, 'max': none, 'severity': 'error',
         'rule': 'effectif positif ou nul'},
        {'pattern': '.+_km', 'min': 0, 'max': 20100, 'severity': 'warn', 'rule': 'distance entre 0 et 20 100 km'},
        {'pattern': '(?!.*change).+_rate', 'min': 0, 'max': 1, 'severity': 'warn', 'rule': 'taux entre 0 et 1'},
        {'pattern': '(?!.*change).+_pct', 'min': 0, 'max': 100, 'severity': 'warn',
         'rule': 'pourcentage entre 0 et 100'},
    ]) }}
{% endmacro %}

{#- Columns never held to a convention: codes and values as the publishers wrote them. -#}
{% macro column_convention_exclusions() %}
    {{ return('published_.*|old_.*|source_.*') }}
{% endmacro %}

{#- The (column, rule, level, predicate of a broken value) of the naming conventions that apply to `relation`. -#}
{% macro column_convention_checks(relation) %}
    {%- set checks = [] -%}
    {%- if not execute -%}{{ return(checks) }}{%- endif -%}
    {%- set numeric = '(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT'
                      ~ '|FLOAT|DOUBLE|REAL|DECIMAL|NUMERIC)' -%}
    {%- for col in adapter.get_columns_in_relation(relation) -%}
        {%- set name = col.name | lower -%}
        {%- set state = namespace(matched=false) -%}
        {%- if not modules.re.fullmatch(column_convention_exclusions(), name) -%}
            {%- for r in column_convention_rules() if not state.matched and modules.re.fullmatch(r.pattern, name) -%}
                {%- set state.matched = true -%}
                {%- set quoted = adapter.quote(col.name) -%}
                {%- if r.regex is defined -%}
                    {%- do checks.append({'column': col.name, 'rule': r.rule, 'level': r.severity, 'value': quoted,
                        'broken': quoted ~ " is not null and not regexp_full_match(cast(" ~ quoted
                                  ~ " as varchar), '" ~ r.regex ~ "')"}) -%}
                {%- elif modules.re.match(numeric, col.dtype | upper) -%}
                    {%- set bounds = [quoted ~ ' < ' ~ r.min] -%}
                    {%- if r.max is not none -%}{%- do bounds.append(quoted ~ ' > ' ~ r.max) -%}{%- endif -%}
                    {%- do checks.append({'column': col.name, 'rule': r.rule, 'level': r.severity, 'value': quoted,
                                          'broken': '(' ~ bounds | join(' or ') ~ ')'}) -%}
                {%- endif -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(checks) }}
{% endmacro %}

{#- The project's node (model, seed or snapshot) of `relation`, from `graph`. -#}
{% macro column_rules_node(relation) %}
    {%- for kind in ['model', 'seed', 'snapshot'] -%}
        {%- set node = graph.nodes.get(kind ~ '.' ~ project_name ~ '.' ~ relation.identifier) -%}
        {%- if node and node.alias == relation.identifier and node.schema == relation.schema -%}
            {{ return(node) }}
        {%- endif -%}
    {%- endfor -%}
    {%- for node in graph.nodes.values() if node.resource_type in ['model', 'seed', 'snapshot']
            and node.alias == relation.identifier and node.schema == relation.schema -%}
        {{ return(node) }}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error('column_rules: ' ~ relation ~ ' is no model or seed of the project') }}
{% endmacro %}

{#- The (column, rule, level, predicate of a broken value) of the constraints `node`'s YAML declares. -#}
{% macro column_constraint_checks(node) %}
    {%- set checks = [] -%}
    {%- for col in node.columns.values() if col.constraints -%}
        {%- set meta = (col.config or {}).get('meta') or col.meta or {} -%}
        {%- set level = 'warn' if meta.get('constraint_severity') == 'warn' else 'error' -%}
        {%- set quoted = adapter.quote(col.name) -%}
        {%- for c in col.constraints -%}
            {%- if c.type == 'not_null' -%}
                {%- do checks.append({'column': col.name, 'rule': 'valeur renseignée', 'level': level,
                                      'value': quoted, 'broken': quoted ~ ' is null'}) -%}
            {%- elif c.type == 'check' and c.expression -%}
                {%- set listed = modules.re.fullmatch('(?is)\\s*"?' ~ modules.re.escape(col.name)
                                                      ~ '"?\\s+in\\s*\\((.*)\\)\\s*', c.expression) -%}
                {%- if listed -%}
                    {%- set values = modules.re.findall("'((?:[^']|'')*)'", listed.group(1)) | map('replace', "''", "'") -%}
                    {%- set rule = 'valeur parmi les valeurs admises (' ~ values | join(', ') ~ ')' -%}
                {%- else -%}
                    {%- set rule = 'vérifie « ' ~ c.expression | trim ~ ' »' -%}
                {%- endif -%}
                {%- do checks.append({'column': col.name, 'rule': rule, 'level': level, 'value': quoted,
                                      'broken': 'not (' ~ c.expression ~ ')'}) -%}
            {%- else -%}
                {{ exceptions.raise_compiler_error('column_rules: the constraint ' ~ c.type ~ ' of ' ~ node.name ~ '.'
                   ~ col.name ~ ' is not checked by this test (not_null and check only): use a dbt test') }}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(checks) }}
{% endmacro %}

{#- Every check of `relation`: its declared constraints, and the naming conventions when it is a mart. -#}
{% macro column_rule_checks(relation) %}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- set node = column_rules_node(relation) -%}
    {%- set checks = [] -%}
    {%- if node.resource_type == 'model' and node.fqn[1] == 'marts' -%}
        {%- do checks.extend(column_convention_checks(relation)) -%}
    {%- endif -%}
    {%- do checks.extend(column_constraint_checks(node)) -%}
    {{ return(checks) }}
{% endmacro %}

{% test column_rules(model) %}
{{ config(store_failures=true, warn_if='>0', error_if='>1',
          fail_calc="coalesce(max(case when level = 'error' then 2 else 1 end), 0)") }}
{%- set checks = column_rule_checks(model) -%}
{%- if checks | length == 0 %}
select cast(null as varchar) as column_name, cast(null as varchar) as rule, cast(null as varchar) as level,
       cast(null as varchar) as value
where false
{%- else %}
select offence.column_name, offence.rule, offence.level, offence.value
from (
    select unnest([
        {%- for c in checks %}
        {'column_name': '{{ c.column }}', 'rule': '{{ c.rule | replace("'", "''") }}', 'level': '{{ c.level }}',
         'value': cast({{ c.value }} as varchar), 'broken': coalesce({{ c.broken }}, false)}{{ ',' if not loop.last }}
        {%- endfor %}
    ]) as offence
    from {{ model }}
    where {% for c in checks %}({{ c.broken }}){{ ' or ' if not loop.last }}{% endfor %}
) as rows_with_a_broken_value
where offence.broken
{%- endif %}
{% endtest %}
