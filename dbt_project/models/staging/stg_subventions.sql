-- SCDL ids damaged by spreadsheets (scientific notation such as "2,43E+13") are not SIRETs: null.
select
    trim(nomAttribuant)                                        as funder_name,
    case when regexp_full_match(trim(idAttribuant), '\d{14}') then trim(idAttribuant) end as funder_siret,
    trim(nomBeneficiaire)                                      as beneficiary_name,
    {{ normalize_name('nomBeneficiaire') }}                    as beneficiary_name_key,
    case when regexp_full_match(trim(idBeneficiaire), '\d{14}') then trim(idBeneficiaire) end as beneficiary_siret,
    nullif(trim(objet), '')                                    as purpose,
    {{ to_double('montant') }}                                 as amount_eur,
    coalesce(try_strptime(trim(dateConvention), '%Y-%m-%d'),
             try_strptime(trim(dateConvention), '%d/%m/%Y'))::date as convention_date,
    -- the year of the convention: of its date, or the year published alone ("2014", Loire-Atlantique)
    coalesce(year(coalesce(try_strptime(trim(dateConvention), '%Y-%m-%d'),
                           try_strptime(trim(dateConvention), '%d/%m/%Y'))),
             case when regexp_full_match(trim(dateConvention), '(19|20)[0-9]{2}')
                  then cast(trim(dateConvention) as integer) end) as convention_year,
    nullif(trim(nature), '')                                   as nature,
    {{ to_double('pourcentageSubvention') }}                   as grant_share,
    _file, _sha256, _row
from {{ source('raw', 'subventions') }}
