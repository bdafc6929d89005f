-- The register's codes and their labels (data/catalogue/measures_codebook.yml, kept in the
-- warehouse by each load of a register).
select
    scale,
    code,
    label_nb,
    label_en,
    sort_order
from {{ source('plan', 'plan_codebook') }}
