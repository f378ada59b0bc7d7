//! Following a list across pages without trusting the page size asked for: a page is full by
//! the size the answer reports, a page of only repeated ids (a server ignoring `page`) or an
//! empty one ends the list, and past [`PageRequest::MAX_PAGES`] the list fails instead of
//! stopping short in silence.

use std::collections::HashSet;
use std::num::NonZeroU64;

use crate::error::Error;
use crate::gateway::PageRequest;
use crate::number::Number;

/// Where a paged listing is: the next page to ask for, and every id seen so far.
#[derive(Debug)]
pub(crate) struct Pager {
    operation: &'static str,
    asked: NonZeroU64,
    next: NonZeroU64,
    seen: HashSet<String>,
}

impl Pager {
    /// A listing by `operation` from page 1, asking for `per_page` items a page.
    pub(crate) fn new(operation: &'static str, per_page: NonZeroU64) -> Self {
        Self {
            operation,
            asked: per_page,
            next: NonZeroU64::MIN,
            seen: HashSet::new(),
        }
    }

    /// The next page to ask for, or [`Error::TooManyPages`] past the limit.
    pub(crate) fn request(&self) -> Result<PageRequest, Error> {
        if self.next.get() > PageRequest::MAX_PAGES {
            return Err(Error::TooManyPages {
                operation: self.operation,
                limit: PageRequest::MAX_PAGES,
            });
        }
        Ok(PageRequest {
            page: self.next,
            per_page: self.asked,
        })
    }

    /// Takes the answer to [`Pager::request`]: its items not seen before, in order, and
    /// whether another page may follow.
    ///
    /// A page is full when it holds as many items as the smaller of the size asked and the
    /// size the answer reports (a capped API reports its cap; an answer reporting more than
    /// was asked is judged by what was asked). A page that is not full, empty, or holds only
    /// ids already seen is the last.
    pub(crate) fn take<T>(
        &mut self,
        items: Vec<T>,
        reported_per_page: Number,
        id: impl Fn(&T) -> &str,
    ) -> (Vec<T>, bool) {
        let page_size = reported_size(reported_per_page).map_or(self.asked, |r| r.min(self.asked));
        let full = items.len() as u64 >= page_size.get();
        let fresh: Vec<T> = items
            .into_iter()
            .filter(|item| self.seen.insert(id(item).to_string()))
            .collect();
        let more = full && !fresh.is_empty();
        if more {
            self.next = self.next.saturating_add(1);
        }
        (fresh, more)
    }
}

/// The page size an answer reports, when it is a whole number of at least 1.
pub(crate) fn reported_size(per_page: Number) -> Option<NonZeroU64> {
    let size = u64::try_from(per_page.as_integer()?).ok()?;
    NonZeroU64::new(size)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| n.to_string()).collect()
    }

    fn pager(per_page: u64) -> Pager {
        Pager::new("list_routes", NonZeroU64::new(per_page).unwrap())
    }

    #[test]
    fn a_capped_page_is_full_by_the_size_the_answer_reports() {
        let mut pager = pager(50);
        let (fresh, more) = pager.take(ids(&["a", "b"]), Number::from(2), |s| s);
        assert_eq!((fresh.len(), more), (2, true));
        assert_eq!(pager.request().unwrap().page.get(), 2);
    }

    #[test]
    fn a_reported_size_above_the_asked_one_is_judged_by_the_asked_one() {
        let (_, more) = pager(2).take(ids(&["a", "b"]), Number::from(20), |s| s);
        assert!(more);
    }

    #[test]
    fn a_size_that_is_not_a_positive_whole_number_falls_back_to_the_asked_one() {
        for reported in [0.0, -3.0, 2.5, f64::NAN] {
            let (_, more) = pager(3).take(ids(&["a", "b"]), Number::from(reported), |s| s);
            assert!(!more, "{reported}: two of three asked is short");
        }
    }

    #[test]
    fn a_short_an_empty_or_a_repeated_page_is_the_last() {
        let mut pager = pager(2);
        assert!(!pager.take(ids(&["a"]), Number::from(2), |s| s).1);
        assert!(!pager.take(Vec::<String>::new(), Number::from(2), |s| s).1);
        let mut pager = self::pager(2);
        assert!(pager.take(ids(&["a", "b"]), Number::from(2), |s| s).1);
        let (fresh, more) = pager.take(ids(&["a", "b"]), Number::from(2), |s| s);
        assert!(fresh.is_empty() && !more);
    }

    #[test]
    fn ids_seen_before_are_dropped_and_a_page_with_new_ones_goes_on() {
        let mut pager = pager(2);
        pager.take(ids(&["a", "b"]), Number::from(2), |s| s);
        let (fresh, more) = pager.take(ids(&["b", "c"]), Number::from(2), |s| s);
        assert_eq!((fresh, more), (ids(&["c"]), true));
    }

    #[test]
    fn past_the_page_limit_the_request_is_an_error_naming_it() {
        let mut pager = pager(1);
        for n in 0..PageRequest::MAX_PAGES {
            assert!(pager.request().is_ok());
            pager.take(vec![n.to_string()], Number::from(1), |s| s);
        }
        let error = pager.request().unwrap_err();
        assert!(
            matches!(error, Error::TooManyPages { operation: "list_routes", limit } if limit == PageRequest::MAX_PAGES),
            "{error:?}"
        );
        assert!(error.to_string().contains("1000 pages"), "{error}");
    }
}
