//! Tables: column widths from their content, groups of columns for a table too wide
//! for the page, header rows repeated on every page, owner cells coloured.

use super::*;

fn owner_fill(owner: Owner) -> Color {
    match owner {
        Owner::Provider => Color([219, 234, 254]),
        Owner::Customer => Color([253, 226, 225]),
        Owner::Shared => Color([254, 243, 199]),
        Owner::NotApplicable => Color([243, 244, 246]),
        Owner::Unassessed => Color([233, 213, 255]),
    }
}

/// A table's columns as measured: the narrowest each can be (its longest word) and
/// the width of its longest line, padding included.
pub(in crate::render::pdf) struct Measure {
    min: Vec<f32>,
    max: Vec<f32>,
    /// The text of the cells of some rows (at most [`SAMPLED_ROWS`], spread over the
    /// table), by row and column: what the widths are balanced over.
    ink: Vec<Vec<Ink>>,
}

/// A cell's text set on one line: its width and its line breaks.
#[derive(Debug, Clone, Copy, Default)]
pub(in crate::render::pdf) struct Ink {
    pub width: f32,
    pub breaks: u32,
}

impl Ink {
    /// About how many lines the text takes in a column `width` points wide (padding
    /// included; wrapping at word ends loses about a tenth of each line), as a
    /// fraction, so that every bit of room counts.
    fn lines(self, width: f32) -> f32 {
        let room = (width - 2.0 * PAD - 0.5).max(1.0);
        (self.width * 1.1 / room).max(self.breaks as f32 + 1.0)
    }
}

/// How many rows the column widths are balanced over.
const SAMPLED_ROWS: usize = 240;

impl Measure {
    /// The measures of some of the columns.
    pub fn columns(&self, columns: &[usize]) -> Measure {
        Measure {
            min: columns.iter().map(|&c| self.min[c]).collect(),
            max: columns.iter().map(|&c| self.max[c]).collect(),
            ink: self
                .ink
                .iter()
                .map(|row| columns.iter().map(|&c| row[c]).collect())
                .collect(),
        }
    }

    /// Column widths filling `width`. Where the longest lines do not all fit, the room
    /// beyond each column's longest word goes, a slice at a time, to the column where
    /// it shortens the table most (the sampled rows' heights summed): a column of
    /// long texts gets the room it needs rather than the one with the longest line.
    pub fn widths(&self, width: f32) -> Vec<f32> {
        let sum_min: f32 = self.min.iter().sum();
        let sum_max: f32 = self.max.iter().sum();
        if sum_min >= width || sum_max <= width || self.ink.is_empty() {
            return column_widths(&self.min, &self.max, width);
        }
        let height = |w: &[f32]| -> f32 {
            self.ink
                .iter()
                .map(|row| {
                    let lines = row.iter().zip(w).map(|(ink, &w)| ink.lines(w));
                    // The tallest cell makes the row; the others break the ties, so
                    // that every column's room counts.
                    let (tallest, all) =
                        lines.fold((1.0f32, 0.0f32), |(t, a), l| (t.max(l), a + l));
                    tallest + 0.05 * all
                })
                .sum()
        };
        let mut w = self.min.clone();
        const SLICES: usize = 64;
        let slice = (width - sum_min) / SLICES as f32;
        for _ in 0..SLICES {
            let now = height(&w);
            let mut best: Option<(f32, f32, usize)> = None;
            for c in 0..w.len() {
                if w[c] >= self.max[c] {
                    continue;
                }
                w[c] += slice;
                let gain = now - height(&w);
                w[c] -= slice;
                let room = self.max[c] - w[c];
                if best.is_none_or(|(g, r, _)| (gain, room) > (g, r)) {
                    best = Some((gain, room, c));
                }
            }
            match best {
                Some((_, _, c)) => w[c] += slice,
                None => break,
            }
        }
        // What no column needs (all at their longest line) is shared out evenly.
        let left = width - w.iter().sum::<f32>();
        if left > 0.0 {
            let n = w.len() as f32;
            w.iter_mut().for_each(|x| *x += left / n);
        }
        w
    }

    /// The columns in groups that each fit `width` with every word whole: all of them
    /// in one group when they fit, else the first column (what names a row) and as
    /// many of the next as fit, again and again.
    pub fn groups(&self, width: f32) -> Vec<Vec<usize>> {
        let n = self.min.len();
        if n <= 1 || self.min.iter().sum::<f32>() <= width {
            return vec![(0..n).collect()];
        }
        let mut groups = Vec::new();
        let mut group = vec![0];
        let mut used = self.min[0];
        for c in 1..n {
            if group.len() > 1 && used + self.min[c] > width {
                groups.push(std::mem::replace(&mut group, vec![0]));
                used = self.min[0];
            }
            group.push(c);
            used += self.min[c];
        }
        groups.push(group);
        // As many groups, of even sizes, if they fit: no group of one last column.
        let per = (n - 1).div_ceil(groups.len());
        let even: Vec<Vec<usize>> = (1..n)
            .collect::<Vec<_>>()
            .chunks(per)
            .map(|chunk| std::iter::once(0).chain(chunk.iter().copied()).collect())
            .collect();
        let fits = |g: &Vec<usize>| g.iter().map(|&c| self.min[c]).sum::<f32>() <= width;
        if even.iter().all(fits) {
            even
        } else {
            groups
        }
    }

    /// Whether the table needs a landscape page: its columns at their natural width,
    /// each capped at 150 points, do not fit across a portrait page.
    pub fn wide(&self, portrait_width: f32) -> bool {
        let comfortable: f32 = self
            .min
            .iter()
            .zip(&self.max)
            .map(|(&min, &max)| max.min(150.0).max(min))
            .sum();
        comfortable > portrait_width
    }
}

/// The vertical rules of the table being drawn: drawn once per page segment rather
/// than around every cell, which keeps content streams small.
pub(super) struct Grid {
    pub(super) xs: Vec<f32>,
    pub(super) top: Option<f32>,
}

impl Layout {
    /// A table's column measures at `size` points.
    pub fn measure_table(&mut self, header: &[Rich], rows: &[Vec<Rich>], size: f32) -> Measure {
        let n = header.len();
        let mut m = Measure {
            min: vec![0.0; n],
            max: vec![0.0; n],
            ink: Vec::new(),
        };
        let every = rows.len().div_ceil(SAMPLED_ROWS).max(1);
        let header_style: Vec<Rich> = header.iter().map(bolded).collect();
        for (r, row) in std::iter::once(&header_style).chain(rows).enumerate() {
            let sampled = r > 0 && (r - 1) % every == 0;
            let mut inks = vec![Ink::default(); if sampled { n } else { 0 }];
            for (i, cell) in row.iter().enumerate().take(n) {
                let (min, max, ink) = self.measure(cell, size);
                m.min[i] = m.min[i].max(min + 2.0 * PAD + 0.5);
                m.max[i] = m.max[i].max(max + 2.0 * PAD + 0.5);
                if sampled {
                    inks[i] = ink;
                }
            }
            if sampled {
                m.ink.push(inks);
            }
        }
        m
    }

    /// A table whose header repeats on every page it runs over, its columns as wide as
    /// their content allows (the narrowest a column gets is its longest word). Tall rows
    /// are split between pages; no text is ever cut off. A table
    /// whose header is empty is a key/value table: no header, the keys shaded.
    pub fn table(&mut self, header: &[Rich], rows: &[Vec<Rich>], m: &Measure, size: f32) {
        let n = header.len();
        if n == 0 {
            return;
        }
        let keyed = header.iter().all(|c| plain(c).trim().is_empty());
        let width = self.content_width();
        let widths = m.widths(width);
        let line_h = size * LEADING;
        let header_rich: Vec<Rich> = header.iter().map(bolded).collect();
        let header_lines: Vec<Vec<Line>> = header_rich
            .iter()
            .zip(&widths)
            .map(|(c, w)| self.wrap(c, size, w - 2.0 * PAD))
            .collect();
        let header_h = if keyed {
            0.0
        } else {
            rows_needed(&header_lines) as f32 * line_h + 2.0 * PAD
        };
        let left = self.left();
        let mut xs = vec![left];
        xs.extend(widths.iter().scan(left, |x, w| {
            *x += w;
            Some(*x)
        }));
        self.grid = Some(Grid { xs, top: None });
        self.ensure(header_h + line_h + 2.0 * PAD);
        let header_fill = vec![Some(HEADER_FILL); n];
        if !keyed {
            self.draw_row(&widths, &header_lines, &header_fill, size);
        }
        let mut fills: Vec<Option<Color>> = Vec::with_capacity(n);
        for row in rows {
            fills.clear();
            fills.extend(row.iter().enumerate().map(|(i, c)| {
                if keyed && i == 0 {
                    Some(KEY_FILL)
                } else {
                    owner_cell(c).map(owner_fill)
                }
            }));
            let mut lines: Vec<Vec<Line>> = row
                .iter()
                .zip(&widths)
                .map(|(c, w)| self.wrap(c, size, w - 2.0 * PAD))
                .collect();
            loop {
                let needed = rows_needed(&lines);
                let room = ((self.y - self.bottom() - 2.0 * PAD) / line_h)
                    .floor()
                    .max(0.0) as usize;
                if needed <= room {
                    self.draw_row(&widths, &lines, &fills, size);
                    break;
                }
                let page_height = self.pages.last().map_or(0.0, |p| p.height);
                let page_room = ((page_height
                    - self.top_gap()
                    - self.bottom()
                    - header_h
                    - 2.0 * PAD)
                    / line_h)
                    .max(1.0) as usize;
                // A tall row (taller than a page, or of eight lines or more) whose first
                // lines fit here: those here, the rest (two lines at least) after the
                // repeated header; a page is not left half empty for one long row.
                let tall = needed > page_room || needed >= 8;
                if tall && room >= 3 {
                    let cut = room.min(needed - 2);
                    let rest: Vec<Vec<Line>> = lines
                        .iter_mut()
                        .map(|l| l.split_off(cut.min(l.len())))
                        .collect();
                    self.draw_row(&widths, &lines, &fills, size);
                    lines = rest;
                }
                // The (rest of the) row goes to the next page, under a repeated header.
                self.close_grid();
                let landscape = self.landscape();
                if self.at_top() {
                    // Not even a fresh page holds a line of it: draw it anyway.
                    self.draw_row(&widths, &lines, &fills, size);
                    break;
                }
                self.new_page(landscape);
                if !keyed {
                    self.draw_row(&widths, &header_lines, &header_fill, size);
                }
            }
        }
        self.close_grid();
        self.grid = None;
        self.y -= 8.0;
    }

    /// Draws the vertical rules of the current table segment down to the current row.
    fn close_grid(&mut self) {
        let Some((xs, top)) = self
            .grid
            .as_mut()
            .and_then(|g| g.top.take().map(|t| (g.xs.clone(), t)))
        else {
            return;
        };
        let bottom = self.y;
        for x in xs {
            self.line(x, top, x, bottom);
        }
    }

    /// One row: cell fills, the rules around it, and the text.
    fn draw_row(
        &mut self,
        widths: &[f32],
        lines: &[Vec<Line>],
        fills: &[Option<Color>],
        size: f32,
    ) {
        let line_h = size * LEADING;
        let height = rows_needed(lines) as f32 * line_h + 2.0 * PAD;
        let top = self.y;
        let left = self.left();
        let right = left + widths.iter().sum::<f32>();
        if let Some(grid) = self.grid.as_mut() {
            if grid.top.is_none() {
                grid.top = Some(top);
                self.line(left, top, right, top);
            }
        }
        let mut x = left;
        for ((w, cell_lines), fill) in widths.iter().zip(lines).zip(fills) {
            if fill.is_some() {
                // Inside the rules, which the next row's fill would otherwise cover.
                self.rect(
                    x + 0.2,
                    top - height + 0.2,
                    w - 0.4,
                    height - 0.4,
                    *fill,
                    false,
                );
            }
            let mut y = top - PAD;
            for line in cell_lines {
                y -= line_h;
                self.draw_line(x + PAD, y + size * 0.25, line, size);
            }
            x += w;
        }
        self.line(left, top - height, right, top - height);
        self.y = top - height;
    }
}

/// The owner a cell names, if its whole text is an owner word.
fn owner_cell(cell: &Rich) -> Option<Owner> {
    match cell.as_slice() {
        [] => None,
        [span] => owner_word(&span.text),
        _ => owner_word(&plain(cell)),
    }
}

fn rows_needed(lines: &[Vec<Line>]) -> usize {
    lines.iter().map(Vec::len).max().unwrap_or(1).max(1)
}

/// Column widths filling `width`, as a browser sizes an automatic table: every column
/// at least its longest word; the room left shared in proportion to how much more
/// each column's longest line needs; what is still left shared by longest lines.
pub(super) fn column_widths(min: &[f32], max: &[f32], width: f32) -> Vec<f32> {
    let n = min.len().max(1) as f32;
    let sum_min: f32 = min.iter().sum();
    let sum_max: f32 = max.iter().sum();
    if sum_min >= width {
        // Even the longest words do not fit: the widest columns give way, down to a
        // common cap, so that narrow columns (an owner word) keep their words whole.
        let (mut lo, mut hi) = (0.0f32, min.iter().cloned().fold(0.0, f32::max));
        for _ in 0..40 {
            let cap = (lo + hi) / 2.0;
            if min.iter().map(|m| m.min(cap)).sum::<f32>() > width {
                hi = cap;
            } else {
                lo = cap;
            }
        }
        let capped: Vec<f32> = min.iter().map(|m| m.min(lo)).collect();
        let left = width - capped.iter().sum::<f32>();
        return capped.iter().map(|m| m + left / n).collect();
    }
    if sum_max <= width {
        let extra = width - sum_max;
        return max
            .iter()
            .map(|m| {
                m + if sum_max > 0.0 {
                    extra * m / sum_max
                } else {
                    extra / n
                }
            })
            .collect();
    }
    let share = (width - sum_min) / (sum_max - sum_min).max(0.001);
    min.iter()
        .zip(max)
        .map(|(lo, hi)| lo + (hi - lo).max(0.0) * share)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_fill_the_width_and_never_go_under_their_longest_word() {
        let w = column_widths(&[10.0, 20.0], &[50.0, 400.0], 200.0);
        assert!((w.iter().sum::<f32>() - 200.0).abs() < 0.01);
        assert!(w[0] >= 10.0 && w[1] >= 20.0 && w[1] > w[0]);
        let w = column_widths(&[10.0, 20.0], &[30.0, 30.0], 120.0);
        assert!((w.iter().sum::<f32>() - 120.0).abs() < 0.01);
        let w = column_widths(&[300.0, 300.0], &[400.0, 400.0], 200.0);
        assert!((w.iter().sum::<f32>() - 200.0).abs() < 0.01);
        // Too narrow for every word: the widest column gives way, not the narrow ones.
        let w = column_widths(&[100.0, 30.0, 30.0], &[200.0, 30.0, 30.0], 120.0);
        assert!((w.iter().sum::<f32>() - 120.0).abs() < 0.01);
        assert!(w[1] >= 29.9 && w[2] >= 29.9 && w[0] < 61.0, "{w:?}");
    }

    #[test]
    fn a_table_too_wide_for_the_page_is_cut_into_even_groups_of_columns() {
        let m = Measure {
            min: vec![50.0; 9],
            max: vec![60.0; 9],
            ink: Vec::new(),
        };
        assert_eq!(m.groups(500.0), [(0..9).collect::<Vec<_>>()]);
        // 50 + 8 x 50 does not fit 300: the first column and four others, twice.
        assert_eq!(m.groups(300.0), [vec![0, 1, 2, 3, 4], vec![0, 5, 6, 7, 8]]);
    }
}
