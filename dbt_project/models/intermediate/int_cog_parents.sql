-- Codes that are not communes of the referential but point to one (communes déléguées / associées,
-- municipal arrondissements, codes merged into a commune nouvelle), with the commune of the vintage they
-- belong to: the non-identity rows of dim_commune_code_history, kept under the names other models use.
select old_code, commune_code as parent_commune_code, method as old_code_types
from {{ ref('dim_commune_code_history') }}
where method <> 'actuelle'
