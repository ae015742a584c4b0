//! "Did you mean": the candidate nearest to a misspelt name.

/// The candidate closest to `name` by edit distance, when it is close enough to be a likely typo.
pub fn closest<'a>(candidates: impl Iterator<Item = &'a str>, name: &str) -> Option<&'a str> {
    Closest::new(candidates).find(name)
}

/// "; did you mean `check`?" when a candidate is close to `name`, and "" otherwise: the tail of a
/// message about a misspelt command, rule or collection name.
pub fn did_you_mean<'a>(candidates: impl Iterator<Item = &'a str>, name: &str) -> String {
    closest(candidates, name).map_or(String::new(), |c| format!("; did you mean `{c}`?"))
}

/// Candidates for "did you mean", built once and asked many times: [`closest`] for a large set
/// (every entry id of the KB). Candidates are grouped by length, and only the groups whose
/// length is within the limit of the name's are searched. Within a group they are sorted, so
/// candidates that share a prefix share the rows of the edit-distance table computed for it,
/// and a prefix that cannot end within the limit (its row, plus the difference between what is
/// left of the candidate and of the name) skips every candidate that starts with it. The answer
/// is that of comparing the name with every candidate: the least distance (in bytes), then the
/// least candidate.
pub struct Closest<'a> {
    /// Sorted by length, then by bytes, without repeats.
    sorted: Vec<&'a str>,
}

impl<'a> Closest<'a> {
    pub fn new(candidates: impl Iterator<Item = &'a str>) -> Self {
        let mut sorted: Vec<&'a str> = candidates.collect();
        sorted.sort_unstable_by(|a, b| (a.len(), a).cmp(&(b.len(), b)));
        sorted.dedup();
        Closest { sorted }
    }

    /// The candidate closest to `name`, when it is close enough to be a likely typo.
    pub fn find(&self, name: &str) -> Option<&'a str> {
        let limit = (name.chars().count() / 3).max(2);
        let q = name.as_bytes();
        let w = q.len() + 1;
        let lo = self.sorted.partition_point(|s| s.len() + limit < q.len());
        let hi = self.sorted.partition_point(|s| s.len() <= q.len() + limit);
        let mut rows: Vec<usize> = Vec::new();
        let mut best: Option<(usize, &'a str)> = None;
        let mut group = lo;
        while group < hi {
            let len = self.sorted[group].len();
            let end = group + self.sorted[group..hi].partition_point(|s| s.len() == len);
            rows.clear();
            rows.resize((len + 1) * w, 0);
            for (j, cell) in rows[..w].iter_mut().enumerate() {
                *cell = j;
            }
            let (mut i, mut valid, mut prev): (usize, usize, &[u8]) = (group, 0, &[]);
            while i < end {
                let cand = self.sorted[i];
                let c = cand.as_bytes();
                valid = valid.min(c.iter().zip(prev).take_while(|(a, b)| a == b).count());
                prev = c;
                let mut d = valid;
                let mut pruned = false;
                while d < len {
                    let (done, rest) = rows.split_at_mut((d + 1) * w);
                    let (above, row) = (&done[d * w..], &mut rest[..w]);
                    row[0] = above[0] + 1;
                    for j in 1..w {
                        row[j] = (above[j] + 1)
                            .min(row[j - 1] + 1)
                            .min(above[j - 1] + usize::from(q[j - 1] != c[d]));
                    }
                    d += 1;
                    // At least the row's cost, plus one edit per byte that one side has left over.
                    let left = len - d;
                    let least = row
                        .iter()
                        .enumerate()
                        .map(|(j, &v)| v + left.abs_diff(q.len() - j))
                        .min()
                        .unwrap_or(usize::MAX);
                    if least > limit {
                        let prefix = &c[..d];
                        i += 1 + self.sorted[i + 1..end]
                            .partition_point(|s| s.as_bytes().starts_with(prefix));
                        pruned = true;
                        break;
                    }
                }
                valid = d;
                if pruned {
                    continue;
                }
                let distance = rows[len * w + q.len()];
                if distance <= limit && best.is_none_or(|(b, s)| (distance, cand) < (b, s)) {
                    best = Some((distance, cand));
                }
                i += 1;
            }
            group = end;
        }
        best.map(|(_, c)| c)
    }
}

#[cfg(test)]
mod tests {
    use super::Closest;

    /// Every candidate compared with the name: the definition that [`Closest`] must agree with.
    fn brute<'a>(candidates: &[&'a str], name: &str) -> Option<&'a str> {
        let limit = (name.chars().count() / 3).max(2) as u32;
        candidates
            .iter()
            .map(|c| {
                (
                    triple_accel::levenshtein::levenshtein_exp(c.as_bytes(), name.as_bytes()),
                    *c,
                )
            })
            .filter(|(d, _)| *d <= limit)
            .min()
            .map(|(_, c)| c)
    }

    #[test]
    fn closest_agrees_with_comparing_every_candidate() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut rnd = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let alphabet: Vec<char> = "ab-é0".chars().collect();
        let mut word = move |max: usize| {
            let len = rnd(max);
            (0..len)
                .map(|_| alphabet[rnd(alphabet.len())])
                .collect::<String>()
        };
        for round in 0..300 {
            let owned: Vec<String> = (0..round % 60).map(|_| word(9)).collect();
            let candidates: Vec<&str> = owned.iter().map(String::as_str).collect();
            let index = Closest::new(candidates.iter().copied());
            for _ in 0..10 {
                let name = word(12);
                assert_eq!(
                    index.find(&name),
                    brute(&candidates, &name),
                    "{name:?} in {candidates:?}"
                );
            }
        }
        let ids = [
            "e-000001",
            "e-000010",
            "po",
            "product-owner",
            "product-manager",
        ];
        let index = Closest::new(ids.iter().copied());
        assert_eq!(index.find("e-00001"), Some("e-000001"));
        assert_eq!(index.find("product-owners"), Some("product-owner"));
        assert_eq!(index.find("zzzzzzzz"), None);
    }
}
