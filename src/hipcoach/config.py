"""The algorithm settings of hipcoach (pydantic, validated, frozen).

Where each number lives: the exercises' and form rules' thresholds (reps, peak ranges,
rule thresholds and the views a rule is measured from) are in the routine file
(``exercises/hip_series.toml``); the settings of the algorithms (pose, tracking, smoothing,
view reading, counting, screens, session pacing, history) are fields here, with their unit in
the name or the comment, and modules take a settings object (or one part of it) as an
argument. The rule measures' fixed reading windows are named constants beside the measures
(``analysis/rules.py``). Every rule threshold is pinned by ``tests/unit/test_rules_pinned.py``.
Comments give each value's unit and the reason for it; the measurements behind the values,
with their dates and commands, are in ``docs/settings.md``.
"""

from __future__ import annotations

from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, FiniteFloat, model_validator

ModelName = Literal["lite", "full", "heavy"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PoseSettings(_Frozen):
    """Pose inference settings."""

    model: ModelName = "full"
    #: MediaPipe detector confidence needed to start tracking a person (0..1). 0.4, not
    #: MediaPipe's 0.5: at 0.5 a person lying far from the camera was found late
    #: (docs/settings.md, "Pose detection").
    min_detection_confidence: float = Field(0.4, ge=0.0, le=1.0)
    #: When a video file shows a person in fewer than this share of its frames (0..1), the
    #: pose step runs again with ``retry_detection_confidence`` and keeps the pass that
    #: found more: a lying body far away or seen at an angle is detected with low
    #: confidence (docs/settings.md, "Pose detection").
    retry_below_detected_share: float = Field(0.5, ge=0.0, le=1.0)
    #: Detector confidence of that second pass (0..1).
    retry_detection_confidence: float = Field(0.1, ge=0.0, le=1.0)
    #: MediaPipe pose presence confidence needed to keep a detection (0..1).
    min_presence_confidence: float = Field(0.5, ge=0.0, le=1.0)
    #: MediaPipe tracking confidence below which the detector re-runs (0..1).
    min_tracking_confidence: float = Field(0.5, ge=0.0, le=1.0)
    #: How many people the model looks for; the exerciser is chosen among them.
    max_people: int = Field(2, ge=1, le=8)
    #: With ``max_people`` > 1 and > 0: seconds of video between two looks for other
    #: people; between them a one-person model follows the exerciser, and from the first
    #: look that finds someone else the many-person model runs on every frame
    #: (backends/scout.py). Faster, but it places a side-lying leg less well, so 0 (the
    #: many-person model, its detector on every frame) stays the default
    #: (docs/performance.md, "Looking for bystanders less often").
    bystander_check_s: float = Field(0.0, ge=0.0)
    #: Frames whose long side exceeds this are downscaled before inference (px).
    #: Landmarks are still reported in the pixels of the original frame.
    max_inference_side_px: int = Field(1280, ge=256)
    #: Frames larger than this many pixels (w*h) are refused as unreasonable.
    max_frame_pixels: int = Field(8192 * 8192, ge=1)
    #: Decoded frames buffered between the decoder thread and inference.
    queue_frames: int = Field(8, ge=1)


class VideoSettings(_Frozen):
    """Reading video sources."""

    #: Frame rate assumed for a folder of still images (frames per second).
    image_folder_fps: float = Field(30.0, gt=0.0)


class TrackingSettings(_Frozen):
    """Choosing and following the exerciser when several people are in view."""

    #: A candidate farther than this from the tracked person (in units of the
    #: tracked person's torso length) is not the same person.
    max_jump_torso: float = Field(1.0, gt=0.0)
    #: The search radius grows by this many torso lengths per second the person is
    #: not seen, so they can be found again after walking out and back.
    regrow_torso_per_s: float = Field(2.0, ge=0.0)


class SignalSettings(_Frozen):
    """Smoothing and angle settings."""

    #: Landmarks below this visibility give "no reading" (NaN).
    min_visibility: float = Field(0.5, ge=0.0, le=1.0)
    #: Gaps (missing frames) up to this long are interpolated before filtering;
    #: longer gaps stay missing (s).
    max_gap_s: float = Field(0.25, ge=0.0)
    #: One-Euro filter minimum cutoff frequency (Hz).
    one_euro_min_cutoff_hz: float = Field(1.5, gt=0.0)
    #: One-Euro speed coefficient (cutoff grows by beta Hz per unit/s of speed).
    one_euro_beta: float = Field(0.05, ge=0.0)
    #: One-Euro cutoff for the derivative estimate (Hz).
    one_euro_d_cutoff_hz: float = Field(1.0, gt=0.0)
    #: Butterworth low-pass cutoff (Hz) and order (zero-phase, applied forward-backward).
    butterworth_cutoff_hz: float = Field(6.0, gt=0.0)
    butterworth_order: int = Field(2, ge=1, le=8)


class QualitySettings(_Frozen):
    """When a recording is judged unusable."""

    #: Share of detected frames that must show the body
    #: (``sequence.quality.body_in_picture``) (0..1); below it "partly out of frame".
    min_full_body_share: float = Field(0.5, ge=0.0, le=1.0)


class ViewSettings(_Frozen):
    """Reading the camera set-up of a side-lying recording."""

    #: The trunk (hip→shoulder line) counts as lying when within this angle of the image
    #: horizontal (deg).
    max_lying_tilt_deg: float = Field(35.0, gt=0.0, lt=90.0)
    #: Share of frames with a person that must show a lying body for the clip to be a
    #: side-lying recording (0..1).
    min_lying_share: float = Field(0.3, ge=0.0, le=1.0)
    #: Body long axis turned toward/away from the camera beyond this (deg) = diagonal view.
    diagonal_yaw_deg: float = Field(22.0, gt=0.0, lt=90.0)
    #: Hip line tilted toward the camera beyond this (deg) = raised camera looking down.
    raised_pitch_deg: float = Field(15.0, gt=0.0, lt=90.0)
    #: Beyond this the view cannot be read (deg from square-on).
    max_yaw_deg: float = Field(55.0, gt=0.0, lt=90.0)
    #: A camera turned toward the feet (or head) shows the lower legs bigger (smaller) than
    #: the trunk: beyond this picture-scale ratio (``ViewReport.feet_scale_ratio``, or its
    #: inverse) the view is "diagonal"; set between the square-on and the turned readings
    #: of the development bodies (docs/settings.md, "View").
    diagonal_feet_ratio: float = Field(1.15, gt=1.0)
    #: The camera also counts as turned toward the feet when the shoulder-to-ankle axis
    #: (``ViewReport.axis_tilt_deg``) tilts toward it by this much or more (deg; negative):
    #: it catches 15-20 deg turns the feet ratio reads as square-on (docs/settings.md,
    #: "View").
    turned_axis_tilt_deg: float = Field(-3.0, lt=0.0)
    #: Beyond this ratio reps are not shown as counts and the user is told to square the
    #: camera: above the readings of the supported turns (up to 30 deg), below those of a
    #: 45 deg camera (docs/settings.md, "View").
    max_count_feet_ratio: float = Field(1.4, gt=1.0)
    #: Body spanning more than this share of the picture width = camera too close (0..1).
    max_body_span: float = Field(0.97, gt=0.0, le=1.0)
    #: Share of lying frames showing the body (``sequence.quality.body_in_picture``), below
    #: which the body is "partly out of frame" (0..1).
    min_whole_body_share: float = Field(0.7, ge=0.0, le=1.0)


class HysteresisConfig(_Frozen):
    """One excursion of a signal above a threshold = one rep (:mod:`hipcoach.reps.hysteresis`).

    ``high`` and ``low`` are in the unit of the counted signal (degrees for joint angles) and
    have no default: they depend on the exercise, and the routine file
    (``exercises/hip_series.toml``) holds them.
    """

    #: A rep starts once the signal rises above this (signal unit).
    high: FiniteFloat
    #: The rep ends when the signal falls back below this; the band ``low..high`` is the
    #: hysteresis that keeps noise around one threshold from counting twice (signal unit).
    low: FiniteFloat
    #: Reps shorter than this are rejected as "too short", i.e. too fast (s).
    min_rep_s: float = Field(0.5, ge=0.0)
    #: Reps longer than this are rejected as "too long" (s).
    max_rep_s: float = Field(10.0, gt=0.0)
    #: An excursion with no valid sample for longer than this is abandoned (s).
    max_gap_s: float = Field(0.5, gt=0.0)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if not self.high > self.low:
            raise ValueError(f"high ({self.high}) must be > low ({self.low})")
        if not self.max_rep_s >= self.min_rep_s:
            raise ValueError(f"max_rep_s ({self.max_rep_s}) must be >= min_rep_s")
        return self


class CircleConfig(_Frozen):
    """Geometry and timing of one circle turn (:mod:`hipcoach.reps.excursion_circles`).

    ``min_radius`` is in the unit of the path (degrees for a path of two joint angles).
    """

    #: Samples closer than this to the excursion's centre are ignored (path unit).
    min_radius: float = Field(gt=0.0, allow_inf_nan=False)
    #: Turns shorter than this are rejected as "too short" (s).
    min_rep_s: float = Field(0.4, ge=0.0)
    #: Turns longer than this are rejected as "too long" (s).
    max_rep_s: float = Field(8.0, gt=0.0)
    #: A gap longer than this between usable samples starts a new segment: the turn in
    #: progress is dropped (s).
    max_gap_s: float = Field(0.5, gt=0.0)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if not self.max_rep_s >= self.min_rep_s:
            raise ValueError(f"max_rep_s ({self.max_rep_s}) must be >= min_rep_s")
        return self


class SegmentSettings(_Frozen):
    """Splitting a recording into sides and sets (the exercise thresholds themselves are in
    the routine file, ``exercises/hip_series.toml``)."""

    #: Lying frames of one side separated by less than this stay one block (s).
    block_gap_s: float = Field(2.0, ge=0.0)
    #: Blocks shorter than this are ignored (getting settled, rolling over) (s).
    min_block_s: float = Field(3.0, ge=0.0)
    #: A pause longer than this between reps of the same kind starts a new set (s).
    set_gap_s: float = Field(3.0, gt=0.0)
    #: A rep whose peak differs from its run's median peak by more than this starts a new
    #: set (deg): small raises going straight into big lifts.
    peak_jump_deg: float = Field(12.0, gt=0.0)
    #: Cost of labelling a set against the routine order, in degrees of range-of-motion
    #: misfit (larger = trust the routine order more).
    order_penalty_deg: float = Field(25.0, ge=0.0)
    #: Bicycle rep release level, as a fraction of the way from the extension threshold up
    #: to the flexion threshold (0..1).
    flexion_release_fraction: float = Field(0.4, gt=0.0, lt=1.0)
    #: Bicycle reps are also counted on the thigh's 2-D foreshortening
    #: (``LegSignals.thigh_fold_2d_deg``): above the bicycle's ``flexion_high_deg``, then
    #: back below this (deg): just above what the fold reads at rest and between reps (the
    #: kick-back folds the thigh too; docs/settings.md, "Counting and sets").
    fold_release_deg: float = Field(30.0, gt=0.0, lt=90.0)
    #: A camera turned a little toward the feet but read as square-on (feet ratio between
    #: 1 and ``ViewSettings.diagonal_feet_ratio``) may be near the turn where the 2-D loop
    #: changes sign: there a circle set's direction is withheld unless the depth loop swept
    #: at least this share of the 2-D loop's turns (docs/settings.md, "Counting and sets").
    min_depth_sweep_share: float = Field(0.5, gt=0.0, le=1.0)
    #: An abduction rep overlapping a circle or bicycle rep by more than this share of its
    #: own duration belongs to that rep, not to a raise (0..1).
    max_overlap_share: float = Field(0.3, ge=0.0, le=1.0)
    #: After the last kick of a bicycle rep the leg comes back down from its hover; for this
    #: long after a bicycle rep an abduction excursion belongs to it (s): otherwise the last
    #: kick-back coming down reads as a phantom raise (docs/settings.md, "Counting and
    #: sets").
    bicycle_tail_s: float = Field(1.0, ge=0.0)
    #: Likewise the lift into the hover just before a bicycle rep belongs to it (s).
    bicycle_lead_s: float = Field(0.5, ge=0.0)
    #: Counters bridge gaps in the signal (no reading) up to this long (s); longer gaps
    #: abandon the rep in progress. Long enough to keep circle sets through the frame
    #: dropouts of the landmark suite (docs/settings.md, "Counting and sets").
    count_max_gap_s: float = Field(0.8, gt=0.0)
    #: A turn counts as a circle only when its path encloses at least this share of the
    #: area of an ellipse of the same spread (0..1; see ``reps.excursion_circles.circularity``).
    #: A leg raise with depth jitter draws a thin loop that encloses almost nothing.
    min_circle_roundness: float = Field(0.75, ge=0.0, le=1.0)
    #: Fewest circles in one lift of the leg for it to count as a circle set (1: a circle
    #: is a circle from the first turn; ``reps.excursion_circles`` tells it from a raise).
    min_circles_per_lift: int = Field(1, ge=1)


class CueSettings(_Frozen):
    """Spoken/shown form cues during a live session."""

    #: After a cue, no other cue for this long (s).
    cooldown_s: float = Field(8.0, ge=0.0)
    #: The same cue is not repeated within this long (s).
    repeat_after_s: float = Field(30.0, ge=0.0)


class SessionSettings(_Frozen):
    """The guided session (``hipcoach session``): pacing, safety limits, display rate."""

    #: Spoken count-in before each set ("3, 2, 1, go"), s.
    count_in_s: float = Field(3.0, ge=0.0, le=10.0)
    #: Rep period used by the pacing timer when the routine gives none, s.
    default_pace_s: float = Field(2.0, gt=0.2, le=20.0)
    #: With a camera, a set ends on its own this long after its last counted rep, s.
    idle_end_s: float = Field(15.0, gt=0.0)
    #: Screen refresh / key poll interval, s.
    tick_s: float = Field(0.1, gt=0.0, le=1.0)
    #: Stop when a pain score (0-10) reaches this.
    pain_stop_at: int = Field(5, ge=1, le=10)
    #: Stop when pain rises this much above the score given before the session.
    pain_max_rise: int = Field(2, ge=1, le=10)
    #: Ask the red-flag questions again after this many days (also after any "yes").
    red_flags_every_days: float = Field(90.0, gt=0.0)


class HistorySettings(_Frozen):
    """History analytics and the progression suggestion (:mod:`hipcoach.history`).

    Pain scores are 0 (none) .. 10 (worst); form scores and completion are shares 0..1.
    """

    #: Weeks shown in the session calendar (the current week and the ones before it).
    calendar_weeks: int = Field(4, ge=1, le=52)
    #: Sessions listed in the ``hipcoach history`` table (the most recent ones).
    table_sessions: int = Field(10, ge=1)
    #: Left-vs-right asymmetry reads the most recent this many sessions.
    asymmetry_sessions: int = Field(5, ge=1)
    #: A left-vs-right difference above this is pointed out (% of the larger side).
    asymmetry_note_pct: float = Field(10.0, ge=0.0)
    #: Consecutive sessions at the current band level that must be pain-free, with clean
    #: form and full reps before more load is suggested.
    sessions_needed: int = Field(3, ge=1, le=30)
    #: A session is pain-free when no pain score in it is above this (0..10).
    pain_free_max: int = Field(1, ge=0, le=10)
    #: A session has clean form when at least this share of its camera- or video-counted
    #: reps had no form fault (0..1).
    min_form_score: float = Field(0.9, ge=0.0, le=1.0)
    #: A session has full reps when its reps reach at least this share of the targets (0..1).
    min_completion: float = Field(1.0, ge=0.0, le=1.0)
    #: Pain during or after a session this many points above the score before it means
    #: easing off (points on the 0..10 scale).
    pain_rise: int = Field(2, ge=1, le=10)
    #: Pain during or after a session at or above this means easing off (0..10).
    pain_ease_off: int = Field(4, ge=1, le=10)
    #: A session stopped for a reason containing one of these words was stopped for pain.
    pain_stop_words: tuple[str, ...] = ("pain",)
    #: This many painful sessions in a row: advise resting and seeing a clinician.
    pain_sessions_rest: int = Field(2, ge=1)
    #: Highest resistance band level suggested (0 = no band).
    max_band_level: int = Field(3, ge=0, le=10)
    #: Reps per set added (when progressing at the top band level) or removed (easing off).
    rep_step: int = Field(2, ge=1, le=20)


class LiveSettings(_Frozen):
    """Live rep counting from a camera during the guided session
    (:mod:`hipcoach.session.camera`). Times in seconds."""

    #: ``poll()`` updates the running set's count at most this often (s); in between it
    #: returns the last count. Shorter than a frame at 30 frames/s, so each new frame is
    #: counted when the player next polls (it polls on every frame in the browser).
    recount_interval_s: float = Field(0.02, gt=0.0, le=5.0)
    #: ...and never spends more than this share of the time counting: after an update that
    #: took d seconds the next waits at least d / share (0..1). At 0.35 an update of up to
    #: 10 ms (2-3x its cost on a quiet machine: ``benchmarks/live_recount.py``) still lets
    #: every frame of a 30 frames/s camera be counted.
    max_count_share: float = Field(0.35, gt=0.0, le=1.0)
    #: The live count re-counts only the tail of the set (``analysis.live_count``): a rep
    #: settles this long after it ends (a circle turn: after its lift ends) (s), and the
    #: counters start at the end of the last settled rep; the view and the signals are
    #: read over the whole set.
    count_settle_s: float = Field(1.5, ge=0.0, le=60.0)
    #: No person detected in the frames of the last this many seconds = "no person in
    #: view" (s).
    no_person_after_s: float = Field(1.0, gt=0.0)
    #: No new frame processed for this long = the camera has stopped giving pictures (s).
    stalled_after_s: float = Field(3.0, gt=0.0)
    #: ``end()`` waits at most this long for the frames up to the end time to go through
    #: the pose model (s).
    end_wait_s: float = Field(1.0, ge=0.0)
    #: ``close()`` waits at most this long for the camera thread to stop (s).
    join_timeout_s: float = Field(3.0, gt=0.0)


class ScreenSettings(_Frozen):
    """The weak-glute-med screens (``hipcoach screen squat|stance|gait``,
    :mod:`hipcoach.screens`). Angles in degrees, times in seconds, ratios unitless.
    Thresholds and their sources: ``docs/screens.md``."""

    #: Frontal-view check: body (hip and shoulder lines, world landmarks) turned more than
    #: this from square-on = warn that 2-D angles are biased (deg).
    oblique_warn_deg: float = Field(10.0, gt=0.0, lt=90.0)
    #: ...more than this = the frontal angles cannot be read: inconclusive (deg); a turned
    #: camera projects the knees' forward bend sideways (docs/screens.md, "What was
    #: measured").
    oblique_max_deg: float = Field(20.0, gt=0.0, lt=90.0)
    #: Beyond this turn (deg), or with shoulder+hip width below ``side_width_ratio`` of the
    #: torso length in the picture, the clip is a side view.
    side_view_deg: float = Field(55.0, gt=0.0, lt=90.0)
    side_width_ratio: float = Field(0.25, gt=0.0, lt=2.0)
    #: Camera roll (the body's long axis vs the picture vertical while standing): warn above
    #: ``tilt_warn_deg``, inconclusive above ``tilt_max_deg`` (deg).
    tilt_warn_deg: float = Field(5.0, gt=0.0, lt=90.0)
    tilt_max_deg: float = Field(15.0, gt=0.0, lt=90.0)
    #: Share of frames with a person that must show the body
    #: (``sequence.quality.body_in_picture``) (0..1); below it "partly out of frame".
    min_in_frame_share: float = Field(0.8, ge=0.0, le=1.0)
    #: Frames where other people were also seen, above this share of the frames with a
    #: person, make the screen refuse: the finding could be about the wrong person (0..1).
    max_others_share: float = Field(0.1, ge=0.0, le=1.0)
    #: Squat reps: hip descent as a % of the standing hip-to-floor height (image); a rep
    #: starts above ``squat_high_pct`` and ends back below ``squat_low_pct``.
    squat_high_pct: float = Field(15.0, gt=0.0, lt=100.0)
    squat_low_pct: float = Field(7.0, ge=0.0, lt=100.0)
    squat_min_rep_s: float = Field(0.8, ge=0.0)
    squat_max_rep_s: float = Field(10.0, gt=0.0)
    #: FPPA above this at a squat bottom = the knee caves inward (deg); the upper end of the
    #: normal 2-D range in landings (Herrington & Munro 2010: 7-13 deg in women).
    fppa_valgus_deg: float = Field(13.0, gt=0.0, lt=90.0)
    #: The pose model places the hips medial of the hip joint centres, more so as the thighs
    #: foreshorten at a squat bottom (the picture FPPA then reads outward): the squat's FPPA
    #: uses the hips moved apart to this multiple of their picture distance (1 = as the
    #: model puts them). Fitted on the development bodies of the standing corpus
    #: (docs/screens.md, "The rendered standing corpus").
    fppa_hip_width_factor: float = Field(1.32, ge=1.0, lt=2.0)
    #: How far a knee's FPPA at a squat bottom may read from the truth (deg; measured on the
    #: validation bodies of the standing corpus, docs/screens.md): a squat is called negative
    #: only when every knee reads at least this far below a relevant valgus.
    fppa_uncertainty_deg: float = Field(9.0, ge=0.0, lt=90.0)
    #: Knee-to-ankle separation ratio below this at a bottom = valgus (Mizner et al. 2012).
    kasr_valgus: float = Field(0.6, gt=0.0, lt=2.0)
    #: Fewest full squat reps for a finding.
    min_reps: int = Field(2, ge=1)
    #: One-leg stance: a foot counts as lifted when it is higher than the other by more
    #: than this share of the leg length (hip to ankle, picture) (0..1).
    lift_share: float = Field(0.06, gt=0.0, lt=1.0)
    #: The foot lifted behind the stance leg is partly hidden: the stance screen places the
    #: legs from this landmark visibility on, below what the hidden ankle reads through a
    #: hold (docs/screens.md, "The rendered standing corpus").
    stance_min_visibility: float = Field(0.3, gt=0.0, le=1.0)
    #: Shortest hold on one leg for a finding (s).
    min_hold_s: float = Field(2.0, gt=0.0)
    #: Free side of the pelvis dropping more than this below the reference = Trendelenburg
    #: positive (deg; the 4 deg minimal detectable change of the pelvic-on-femoral angle).
    pelvic_drop_deg: float = Field(4.0, gt=0.0, lt=90.0)
    #: Trunk leaning toward the stance side more than this = compensation (deg).
    trunk_lean_deg: float = Field(5.0, gt=0.0, lt=90.0)
    #: Gait: steps from the difference of the ankles' heights in the picture (% of the leg
    #: length, hysteresis: the swing foot is lifted); set on the development walks of the
    #: standing corpus (docs/screens.md, "Gait on the rendered walks").
    step_high_pct: float = Field(6.0, gt=0.0)
    step_low_pct: float = Field(2.0, ge=0.0)
    step_min_s: float = Field(0.15, ge=0.0)
    step_max_s: float = Field(1.5, gt=0.0)
    #: Fewest steps for a gait finding.
    min_steps: int = Field(7, ge=1)
    #: Mean peak pelvic drop of a side during walking above this = positive (deg; normal
    #: walking shows about 4-5 deg).
    gait_drop_deg: float = Field(7.0, gt=0.0, lt=90.0)


class Settings(_Frozen):
    """The whole configuration tree."""

    pose: PoseSettings = PoseSettings()
    video: VideoSettings = VideoSettings()
    tracking: TrackingSettings = TrackingSettings()
    signal: SignalSettings = SignalSettings()
    quality: QualitySettings = QualitySettings()
    view: ViewSettings = ViewSettings()
    segment: SegmentSettings = SegmentSettings()
    cues: CueSettings = CueSettings()
    history: HistorySettings = HistorySettings()
    session: SessionSettings = SessionSettings()
    live: LiveSettings = LiveSettings()
    screen: ScreenSettings = ScreenSettings()


DEFAULTS = Settings()
