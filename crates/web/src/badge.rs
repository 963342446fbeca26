//! The SVG badge of a repository's grade, shields.io-like: a grey label,
//! the grade on its colour. Text is escaped like any other value (a `maud` template).

use maud::html;
use skillaudit_report::html::Text;

/// Background of the value part for a grade; grey for anything else.
fn colour(value: &str) -> &'static str {
    // `C incomplete`: the grade's colour.
    let grade = value.split(' ').next().unwrap_or(value);
    match grade {
        "A" => "#1a7f37",
        "B" => "#4c9a2a",
        "C" => "#9a6700",
        "D" => "#bc4c00",
        "F" => "#b3001b",
        _ => "#6e7781",
    }
}

/// Rough text width in pixels at 11px Verdana-like fonts.
fn width(text: &str) -> u32 {
    text.chars()
        .map(|c| if c.is_ascii_uppercase() { 8 } else { 7 })
        .sum::<u32>()
        + 12
}

/// The badge saying `value` (a grade letter, or `unknown`). SVG is XML:
/// empty elements are written `<rect …></rect>` (a template's `;` element
/// would not be closed).
pub fn svg(value: &str) -> String {
    let label = "skillaudit";
    let (lw, vw) = (width(label), width(value));
    let total = lw + vw;
    let (lx, vx) = (lw * 5, (lw * 10 + vw * 5));
    html! {
        svg xmlns="http://www.w3.org/2000/svg" width=(total) height="20" role="img" aria-label={ (label) ": " (Text(value)) } {
            title { (label) ": " (Text(value)) }
            linearGradient id="s" x2="0" y2="100%" {
                stop offset="0" stop-color="#bbb" stop-opacity=".1" {}
                stop offset="1" stop-opacity=".1" {}
            }
            clipPath id="r" { rect width=(total) height="20" rx="3" fill="#fff" {} }
            g clip-path="url(#r)" {
                rect width=(lw) height="20" fill="#555" {}
                rect x=(lw) width=(vw) height="20" fill=(colour(value)) {}
                rect width=(total) height="20" fill="url(#s)" {}
            }
            g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="110" {
                text x=(lx) y="150" fill="#010101" fill-opacity=".3" transform="scale(.1)" { (label) }
                text x=(lx) y="140" transform="scale(.1)" { (label) }
                text x=(vx) y="150" fill="#010101" fill-opacity=".3" transform="scale(.1)" { (Text(value)) }
                text x=(vx) y="140" transform="scale(.1)" { (Text(value)) }
            }
        }
        "\n"
    }
    .into_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grade_colour_and_escaping() {
        let a = svg("A");
        assert!(a.contains("fill=\"#1a7f37\""));
        assert!(a.contains(">A</text>"));
        let odd = svg("<x>");
        assert!(!odd.contains("<x>"));
        assert!(odd.contains("&lt;x&gt;"));
        assert!(odd.contains("#6e7781"));
        // Well-formed XML: every element closed.
        assert!(a.contains("<stop offset=\"0\" stop-color=\"#bbb\" stop-opacity=\".1\"></stop>"));
        assert_eq!(a.matches("<rect ").count(), a.matches("</rect>").count());
    }
}
