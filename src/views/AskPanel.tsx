/**
 * Ask: the question box, the model's question templates (as buttons: a datalist would make
 * the box a combobox, and it must stay the textbox "Question"), the Ask button, and the
 * answer with its top-5 probabilities. Errors are the engine's own sentences (empty,
 * overlong, unknown words).
 */
import { useId, type FormEvent } from "react";
import { useAnalysisStore } from "../store/analysis-store";
import { useBackendStore } from "../store/backend-store";
import { useSessionStore } from "../store/session-store";
import { AnalysedImage } from "./AnalysedImage";
import { TopAnswers } from "./TopAnswers";

export function AskPanel() {
  const questionId = useId();
  const backend = useBackendStore((store) => store.state);
  const image = useSessionStore((store) => store.image);
  const question = useSessionStore((store) => store.question);
  const ask = useAnalysisStore((store) => store.ask);
  const setQuestion = useSessionStore((store) => store.setQuestion);
  const askQuestion = useAnalysisStore((store) => store.askQuestion);
  const templates = backend.status === "ready" ? backend.report.model.questions : [];
  const canAsk = backend.status === "ready" && image !== null && ask.status !== "running";

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (canAsk) void askQuestion();
  };

  return (
    <section className="ask-panel" aria-labelledby="ask-title">
      <h2 id="ask-title">Ask</h2>
      <form onSubmit={onSubmit} className="ask-form">
        <label htmlFor={questionId}>Question</label>
        <input
          id={questionId}
          type="text"
          value={question}
          onChange={(event) => setQuestion(event.currentTarget.value)}
          placeholder={templates[0] ?? "Ask about the image"}
        />
        <button type="submit" disabled={!canAsk}>
          Ask
        </button>
      </form>
      {templates.length > 0 && (
        <div className="question-templates" aria-label="Question templates" role="group">
          {templates.map((template) => (
            <button
              key={template}
              type="button"
              className="link-button"
              onClick={() => setQuestion(template)}
            >
              {template}
            </button>
          ))}
        </div>
      )}
      {image !== null && (
        <figure className="model-view">
          <AnalysedImage
            image={image}
            side={128}
            label={`${image.name} as the model sees it (${image.width} × ${image.height})`}
          />
          <figcaption>
            What the model reads: {image.width} × {image.height} pixels
          </figcaption>
        </figure>
      )}
      <section role="region" aria-label="Answer" className="answer" aria-live="polite">
        {image === null && <p className="hint">Choose an image to get the model's answer.</p>}
        {image !== null && ask.status === "idle" && <p className="hint">Press Ask.</p>}
        {ask.status === "running" && <p role="status">Asking the model…</p>}
        {ask.status === "failed" && (
          <p role="alert" className="error">
            {ask.message}
          </p>
        )}
        {ask.status === "done" && (
          <>
            <p className="answer-text">
              <span className="answer-label">Answer:</span>{" "}
              <strong data-testid="answer">{ask.result.answer || "(no answer)"}</strong>
            </p>
            <TopAnswers top={ask.result.top} label="Top 5 answers" />
          </>
        )}
      </section>
    </section>
  );
}
