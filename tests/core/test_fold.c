/* Tests of folding (core/fold.c): edits, deletions, reactions, replies, notices. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fold.h"

/* A text message of sender:seq at ts. */
static struct message
text(const char *sender, uint64_t seq, int64_t ts, const char *body)
{
	return (struct message){
	    .conv = "c1", .sender = (char *)sender, .seq = seq, .ts = ts, .body = (char *)body};
}

/* An item of kind acting on tsender:tseq. */
static struct message
act(const char *kind, const char *sender, uint64_t seq, int64_t ts, const char *body,
    const char *tsender, uint64_t tseq)
{
	struct message m = text(sender, seq, ts, body ? body : "");
	m.kind = (char *)kind;
	m.target_sender = (char *)tsender;
	m.target_seq = tseq;
	return m;
}

/* Writes a folded line's reactions as "T n (a, b); ...". */
static char *
reactions(const struct folded *f)
{
	struct buf b = {0};
	buf_puts(&b, "");
	for (size_t i = 0; i < f->nreactions; i++) {
		buf_printf(
		    &b, "%s%s %zu (", i ? "; " : "", f->reactions[i].text, f->reactions[i].n);
		for (size_t j = 0; j < f->reactions[i].n; j++)
			buf_printf(&b, "%s%s", j ? ", " : "", f->reactions[i].who[j]);
		buf_puts(&b, ")");
	}
	return b.data;
}

/* The newest edit (highest seq, whatever the order) gives the text, marked edited. */
static void
fold__edit__newest_by_seq_wins(void **state)
{
	(void)state;
	struct message line = text("ann", 1, 10, "lunch at noon");
	struct message acts[] = {
	    act("edit", "ann", 3, 30, "lunch at two", "ann", 1),
	    act("edit", "ann", 2, 20, "lunch at one", "ann", 1),
	    act("edit", "bob", 9, 40, "bob's text", "ann", 1), /* not the sender: ignored */
	    act("edit", "ann", 4, 50, "other", "ann", 7), /* another target */
	};
	struct folded f;
	fold_line(&line, acts, 4, NULL, &f);
	assert_string_equal(f.text, "lunch at two");
	assert_true(f.edited);
	assert_false(f.deleted);
	fold_free(&f);
	fold_line(&line, NULL, 0, NULL, &f);
	assert_string_equal(f.text, "lunch at noon");
	assert_false(f.edited);
	fold_free(&f);
}

/* A delete (or deleted: true) leaves no text, whatever the edits said. */
static void
fold__delete__no_text(void **state)
{
	(void)state;
	struct message line = text("ann", 1, 10, "oops");
	struct message acts[] = {
	    act("delete", "ann", 3, 30, NULL, "ann", 1),
	    act("edit", "ann", 2, 20, "still oops", "ann", 1),
	};
	struct folded f;
	fold_line(&line, acts, 2, NULL, &f);
	assert_null(f.text);
	assert_true(f.deleted);
	fold_free(&f);
	struct message more[] = {
	    act("delete", "ann", 3, 30, NULL, "ann", 1),
	    act("react", "bob", 1, 20, "+1", "ann", 1),
	};
	fold_line(&line, more, 2, NULL, &f);
	assert_int_equal(f.nreactions, 0);
	fold_free(&f);
	struct message bob_del = act("delete", "bob", 1, 30, NULL, "ann", 1);
	fold_line(&line, &bob_del, 1, NULL, &f);
	assert_false(f.deleted);
	fold_free(&f);
	line.deleted = true;
	line.body = "";
	fold_line(&line, NULL, 0, NULL, &f);
	assert_true(f.deleted);
	assert_null(f.text);
	fold_free(&f);
}

/* Per (reactor, reaction) the highest seq decides; counts and who in order. */
static void
fold__reactions__aggregated_with_removals(void **state)
{
	(void)state;
	struct message line = text("ann", 1, 10, "hi");
	struct message acts[] = {
	    act("react", "bob", 1, 20, "👍", "ann", 1),
	    act("react", "cy", 1, 21, "👍", "ann", 1),
	    act("react", "cy", 2, 22, "🎉", "ann", 1),
	    act("react", "cy", 4, 25, "🎉", "ann", 1), /* again: counts once */
	    act("react", "dee", 2, 24, "👍", "ann", 1),
	    act("react", "dee", 1, 23, "👍", "ann", 1),
	    act("react", "bob", 3, 26, "😀", "ann", 1),
	};
	acts[4].remove = true; /* dee took back 👍 (seq 2 > 1) */
	struct folded f;
	fold_line(&line, acts, 7, NULL, &f);
	char *r = reactions(&f);
	assert_string_equal(r, "👍 2 (bob, cy); 🎉 1 (cy); 😀 1 (bob)");
	free(r);
	fold_free(&f);
	/* A removal seen before the reaction it takes back: the seq decides, not the order. */
	struct message late[] = {
	    act("react", "bob", 2, 20, "👍", "ann", 1),
	    act("react", "bob", 1, 19, "👍", "ann", 1),
	};
	late[0].remove = true;
	fold_line(&line, late, 2, NULL, &f);
	assert_int_equal(f.nreactions, 0);
	fold_free(&f);
}

/* A reply quotes its target's shown text, or says it is deleted or not held. */
static void
fold__reply__quotes_target(void **state)
{
	(void)state;
	struct message target = text("ann", 1, 10, "lunch?");
	struct message reply = text("bob", 1, 20, "yes");
	reply.target_sender = "ann";
	reply.target_seq = 1;
	struct message acts[] = {act("edit", "ann", 2, 15, "lunch at one?", "ann", 1)};
	struct folded f;
	fold_line(&reply, acts, 1, &target, &f);
	assert_true(f.reply);
	assert_true(f.quote.known);
	assert_string_equal(f.quote.text, "lunch at one?");
	assert_string_equal(f.text, "yes");
	fold_free(&f);
	fold_line(&reply, NULL, 0, NULL, &f);
	assert_true(f.reply);
	assert_false(f.quote.known);
	assert_string_equal(f.quote.sender, "ann");
	assert_int_equal(f.quote.seq, 1);
	fold_free(&f);
	struct message del = act("delete", "ann", 3, 30, NULL, "ann", 1);
	fold_line(&reply, &del, 1, &target, &f);
	assert_true(f.quote.deleted);
	assert_null(f.quote.text);
	fold_free(&f);
}

/* Member and title items are notices; actions are flagged; unknown kinds show nothing. */
static void
fold__notices__member_title_action_unknown(void **state)
{
	(void)state;
	struct message m = text("ann", 5, 10, "");
	m.kind = "member";
	const char *ops[][3] = {
	    {"add", "cy dee eve", "ann added cy, dee and eve"},
	    {"remove", "bob", "ann removed bob"},
	    {"leave", "ann", "ann left"},
	    {"join", "ann", "ann joined"},
	    {"admin", "bob", "ann made bob an admin"},
	};
	for (size_t i = 0; i < sizeof(ops) / sizeof(*ops); i++) {
		m.op = (char *)ops[i][0];
		m.users = (char *)ops[i][1];
		struct folded f;
		fold_line(&m, NULL, 0, NULL, &f);
		assert_string_equal(f.notice, ops[i][2]);
		assert_null(f.text);
		fold_free(&f);
	}
	struct message t = text("bob", 2, 10, "Lunch plans");
	t.kind = "title";
	char *n = fold_notice(&t);
	assert_string_equal(n, "bob renamed this to Lunch plans");
	free(n);
	struct message a = text("bob", 3, 10, "waves");
	a.action = true;
	struct folded f;
	fold_line(&a, NULL, 0, NULL, &f);
	assert_true(f.action);
	assert_string_equal(f.text, "waves");
	fold_free(&f);
	struct message u = text("bob", 4, 10, "");
	u.kind = "poll";
	fold_line(&u, NULL, 0, NULL, &f);
	assert_null(f.text);
	assert_null(f.notice);
	fold_free(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(fold__edit__newest_by_seq_wins),
	    cmocka_unit_test(fold__delete__no_text),
	    cmocka_unit_test(fold__reactions__aggregated_with_removals),
	    cmocka_unit_test(fold__reply__quotes_target),
	    cmocka_unit_test(fold__notices__member_title_action_unknown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
