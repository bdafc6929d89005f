-- The interview codebook's codes and their labels per scale (data/catalogue/interview_codebook.yml,
-- written into the warehouse before each build).
select
    scale,
    code,
    label_nb,
    label_en,
    sort_order
from {{ source('interviews', 'interview_codebook') }}
