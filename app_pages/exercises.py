"""Exercises: differentiate by hand, type the answer, get it checked; hints reveal the steps."""

import streamlit as st

from derivcore.exercises import EXERCISES, LEVELS, get_exercise
from derivcore.symbolic import to_latex
from ui.cache import checked_answer, derivation_steps
from ui.derivation import show_steps
from ui.link_options import keep_in_link
from ui.messages import plain, show_input_problem, show_problem
from ui.sidebar import current_inputs, example_link

CUSTOM = "custom"

inputs = current_inputs()
st.title("Practise")

ids = [CUSTOM] + [e.id for e in EXERCISES]
labels = {e.id: f"Level {e.level} · {e.title}: {e.function}" for e in EXERCISES}
labels[CUSTOM] = "Your own: the function in the sidebar"
# The exercise lives in the URL by its id (?exercise=cube), so an instructor can link to it; a
# bound selectbox would put its long label there instead.
requested = st.query_params.get("exercise")
if requested is not None and requested not in ids:
    show_problem(f"There is no exercise called '{requested}', so here is the first one.")
choice = st.selectbox(
    "Exercise",
    ids,
    index=ids.index(requested) if requested in ids else 1,
    format_func=labels.get,
    key="exercise",
    on_change=keep_in_link,  # so the share panel's link names the new exercise at once
    args=("exercise",),
)
st.query_params["exercise"] = choice

if choice == CUSTOM:
    if inputs.function is None:
        st.info("Type a function in the sidebar to practise on it.")
        st.stop()
    expr, var, text, domain = inputs.function.expr, inputs.var, inputs.function.text, None
    st.caption("An exercise of your own: the function typed in the sidebar.")
else:
    exercise = get_exercise(choice)
    expr, var, text, domain = exercise.expr(), exercise.var, exercise.function, exercise.domain
    st.caption(f"Level {exercise.level}: {LEVELS[exercise.level]}")
    # The exercise's own point (inside its domain) and values of its other variables: the link
    # opens the explorer there, where the nudge and the error plot take over.
    st.link_button(
        f"Explore J at {var} = {exercise.at:g}",
        example_link(exercise.function, {var: exercise.at, **dict(exercise.values)}, var=var),
        icon=":material/open_in_new:",
    )

st.markdown(f"**Find the derivative with respect to {var}:**")
st.latex(rf"J = {to_latex(expr)}")
if domain:
    st.caption(f"Only for {domain[0]} < {var} < {domain[1]}.")

score = st.session_state.setdefault("score", {})
with st.form(key=f"answer_form:{choice}:{text}"):
    answer = st.text_input(
        f"dJ/d{var} =",
        key=f"answer:{choice}:{text}",
        placeholder="for example 2*w, or 3w^2 - 1/w^2",
    )
    # Not type="primary": white on the dark theme's red (light enough for the ε slider's label on
    # the dark sidebar) would have 2.8:1 contrast.
    submitted = st.form_submit_button("Check my answer")
if submitted and answer.strip():
    result, problem = checked_answer(expr, answer, var, domain)
    if problem:
        show_problem(problem)
    elif result.correct:
        st.success(plain(result.message), icon=":material/check_circle:")
        score[(choice, text)] = True
    else:
        if result.position is not None:
            show_input_problem("Your answer", answer, result.message, result.position)
        else:
            st.error(plain(result.message), icon=":material/cancel:")
        score.setdefault((choice, text), False)
elif submitted:
    st.info("Type your answer in the box first.")

steps, problem = derivation_steps(expr, text, var)
hints_key = f"hints:{choice}:{text}"
shown = st.session_state.setdefault(hints_key, 0)
hint_column, solution_column, _ = st.columns([1, 1, 3])
if problem:
    show_problem(problem)
elif steps:
    if hint_column.button("Hint: next step", disabled=shown >= len(steps)):
        st.session_state[hints_key] = shown = shown + 1
    if solution_column.button("Show solution"):
        st.session_state[hints_key] = shown = len(steps)
    show_steps(steps, shown)
    if shown >= len(steps):
        st.latex(steps[-1].so_far_latex)

right = sum(score.values())
st.divider()
st.metric(
    "Your score this session",
    f"{right} / {len(score)}",
    help="Exercises answered correctly out of those you tried.",
)
