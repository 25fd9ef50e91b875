# Demo content for the condition pages: plain Python data for the demo loader.
# All text is written for this project. People, stories, reviewers and recognitions
# are fictional examples for a demo site.

import datetime

NEUROBLASTOMA = {
    "name": "Neuroblastoma",
    "slug": "neuroblastoma",
    "synonyms": [],
    "summary": (
        "Neuroblastoma is a cancer that grows from immature nerve cells, mostly in babies and "
        "young children. It most often starts in an adrenal gland, a small gland that sits on "
        "top of each kidney."
    ),
    "key_facts": [
        "About 600 children in the United States are diagnosed each year.",
        "It is the most common cancer in babies younger than 1 year.",
        "Most children who get it are 5 years old or younger.",
        "In some babies, the tumor shrinks or goes away without treatment.",
    ],
    "last_reviewed": datetime.date(2025, 9, 30),
    "next_review_due": datetime.date(2026, 9, 30),
    "reviewer_name": "Dr. Helen Demo",
    "reviewer_role": "Pediatric oncologist",
    "sections": [
        {
            "kind": "overview",
            "heading": "Overview",
            "body": (
                "Neuroblastoma is a cancer that starts in neuroblasts. Neuroblasts are nerve "
                "cells that are not fully grown up yet. Before a baby is born, these cells "
                "normally mature into working nerve cells. Sometimes a few of them keep "
                "dividing instead, and they form a tumor.\n\n"
                "The tumor grows in sympathetic nerve tissue. This part of the nervous system "
                "helps control things the body does without thinking, such as heart rate, "
                "blood pressure and digestion. Most often, neuroblastoma starts in one of the two "
                "adrenal glands. These small glands sit on top of the kidneys. It can also "
                "start in nerve tissue in the neck, chest, belly or pelvis, or along the "
                "spine.\n\n"
                "Neuroblastoma affects babies and young children. Most children who get it are "
                "5 or younger. In the United States, about 600 children are diagnosed with it "
                "each year, and it is the most common cancer in babies younger than 1. It can "
                "be present at birth. In rare cases, doctors see it on an ultrasound scan "
                "before the baby is born.\n\n"
                "Neuroblastoma can act very differently from one child to the next. In some "
                "babies, the tumor shrinks or goes away on its own. In other children, it "
                "grows fast and spreads. It can spread to lymph nodes, bones, bone marrow, the "
                "liver and the skin. Rarely, it reaches the brain or spinal cord (the central "
                "nervous system).\n\n"
                "Treatment depends on how likely the cancer is to grow and spread. It may "
                "include careful watching, surgery, chemotherapy, radiation therapy, a stem "
                "cell transplant, immunotherapy or a mix of these.\n\n"
                "Several childhood cancers have names that end in *blastoma*. A blast is a "
                "cell that has not finished developing, and a blastoma is a tumor made of "
                "such young cells. That is why these names sound alike, even though they are "
                "different diseases:\n\n"
                "- **Glioblastoma** is a brain tumor. It starts in glial cells, which support "
                "and protect nerve cells. It is much more common in adults than in children.\n"
                "- **Nephroblastoma**, also called **Wilms tumor**, is a kidney cancer of young "
                "children. It starts inside the kidney itself, not in the adrenal gland on top "
                "of it.\n\n"
                "Other tumors can grow in the adrenal gland too, such as pheochromocytoma. They "
                "are different diseases, but some of their signs are the same, such as high "
                "blood pressure. Doctors use tests to tell them apart."
            ),
            "subsections": [],
        },
        {
            "kind": "symptoms",
            "heading": "Symptoms",
            "body": (
                "The signs of neuroblastoma depend on where the tumor is and whether it has "
                "spread. A small tumor that has stayed in one place often causes no signs at "
                "all. Most signs appear when the tumor grows and presses on the organs near it, "
                "or when it spreads, for example to the bones, where it can hurt. Many of these "
                "signs are much more often caused by common, less serious problems. Still, it "
                "helps to know what to look for.\n\n"
                "Signs are grouped below by the part of the body where the tumor grows. After "
                "that come the signs our specialists see most often, less often, and "
                "sometimes. Hospitals sort these signs in different ways, so other websites "
                "may list them differently."
            ),
            "subsections": [
                {
                    "heading": "Belly (abdomen)",
                    "body": (
                        "A tumor in the belly, often in an adrenal gland, can cause:\n\n"
                        "- Belly pain\n"
                        "- A lump under the skin that does not hurt when touched\n"
                        "- Changes in bowel habits, such as diarrhea or constipation"
                    ),
                },
                {
                    "heading": "Chest and neck",
                    "body": (
                        "A tumor in the chest or neck can press on the airways or on nerves "
                        "that control the eye. It can cause:\n\n"
                        "- Wheezing\n"
                        "- Trouble breathing\n"
                        "- Eye changes, such as a drooping eyelid or pupils that are not the "
                        "same size"
                    ),
                },
                {
                    "heading": "Near the spine",
                    "body": (
                        "A tumor next to the spine can press on the spinal cord and the nerves "
                        "that branch off it. It can cause:\n\n"
                        "- Back pain\n"
                        "- Trouble peeing or having a bowel movement\n"
                        "- Weakness in the legs, or trouble standing, crawling or walking"
                    ),
                },
                {
                    "heading": "If it has spread",
                    "body": (
                        "When neuroblastoma spreads to other parts of the body, it can cause:\n\n"
                        "- Bone pain, limping or not wanting to walk\n"
                        "- Dark circles around the eyes that look like bruises\n"
                        "- Fever\n"
                        "- Irritability, or fussiness that is hard to soothe\n"
                        "- Lumps under the skin that do not hurt\n"
                        "- Slow growth or poor weight gain"
                    ),
                },
                {
                    "heading": "Most common signs",
                    "body": (
                        "These are the signs our specialists see most often:\n\n"
                        "- Eyes that bulge forward and dark circles around the eyes, when the "
                        "cancer has spread to the area behind the eyes\n"
                        "- Paralysis (not being able to move part of the body, often the legs), "
                        "when a tumor presses on the spinal cord\n"
                        "- Fever, anemia (too few red blood cells, which can make a child pale "
                        "and tired) or high blood pressure"
                    ),
                },
                {
                    "heading": "Less common signs",
                    "body": (
                        "These signs are seen less often:\n\n"
                        "- Severe diarrhea that does not go away\n"
                        "- Jerky muscle movements and trouble with coordination, such as "
                        "clumsy or unsteady movements\n"
                        "- Eye movements the child cannot control, such as fast, darting eyes"
                    ),
                },
                {
                    "heading": "Signs that may also appear",
                    "body": (
                        "Signs can also include:\n\n"
                        "- A firm lump in the belly\n"
                        "- Trouble breathing\n"
                        "- Weight loss\n"
                        "- Fever\n"
                        "- Bone pain\n"
                        "- Trouble swallowing"
                    ),
                },
            ],
        },
        {
            "kind": "when_to_see_doctor",
            "heading": "When to see a doctor",
            "body": (
                "Contact your child's doctor or care team about any sign or change that "
                "worries you. This includes changes in how your child acts, eats, sleeps, "
                "plays, uses the toilet or looks. Most of the time these changes have a simple "
                "cause. But you know your child best, and it is always fine to ask.\n\n"
                "Get medical help right away if your child suddenly has weak legs, cannot stand "
                "or walk, or has trouble breathing."
            ),
            "subsections": [],
        },
        {
            "kind": "causes",
            "heading": "Causes",
            "body": (
                "In most children, doctors do not know what causes neuroblastoma.\n\n"
                "Doctors do know how it starts. Every cell has instructions written in its "
                "DNA. These instructions tell the cell when to grow, when to divide and when "
                "to die. In neuroblastoma, changes in the DNA of a neuroblast mix up those "
                "instructions. The cell keeps making copies of itself and does not die when it "
                "should. The extra cells build up and form a tumor. Some of them can break "
                "away and spread to other parts of the body.\n\n"
                "In almost all children, these DNA changes happen by chance as the baby "
                "develops. They are not caused by anything a parent did or did not do, before or "
                "during pregnancy. Neuroblastoma is not contagious."
            ),
            "subsections": [],
        },
        {
            "kind": "risk_factors",
            "heading": "Risk factors",
            "body": (
                "Most children with neuroblastoma have no known risk factor. A few things make "
                "it more likely:\n\n"
                "- **Young age.** Neuroblastoma is most often found in babies and in children "
                "5 or younger. It is rare after age 10.\n"
                "- **Family history.** In about 1 or 2 out of every 100 children with "
                "neuroblastoma, the disease runs in the family. This is called familial "
                "neuroblastoma (it is hereditary). It is most often linked to changes in the *ALK* or *PHOX2B* "
                "gene that are passed from parent to child. These children tend to be "
                "diagnosed at a younger age and may have more than one tumor.\n"
                "- **Inherited syndromes.** Some rare genetic conditions, such as Turner "
                "syndrome and Costello syndrome, raise the chance of neuroblastoma. Your "
                "child's doctor may suggest regular check-ups to look for a tumor early.\n\n"
                "If neuroblastoma runs in your family, ask your child's care team about meeting "
                "with a genetic counselor."
            ),
            "subsections": [],
        },
        {
            "kind": "prevention",
            "heading": "Prevention",
            "body": (
                "There is no known way to prevent neuroblastoma. If it runs in your family, "
                "genetic counseling and regular screening can help doctors find a tumor early, "
                "when it is often easier to treat."
            ),
            "subsections": [],
        },
        {
            "kind": "diagnosis",
            "heading": "Diagnosis",
            "body": (
                "If a doctor thinks your child may have neuroblastoma, they will start with a "
                "physical exam and questions about your child's health. Then several kinds of "
                "tests confirm the diagnosis, show where the cancer is and help predict how it "
                "will behave. Most children need several tests, including two or more imaging "
                "tests."
            ),
            "subsections": [
                {
                    "heading": "Blood and urine tests",
                    "body": (
                        "Neuroblastoma cells often make chemicals called catecholamines. The "
                        "body breaks these down into substances such as VMA (vanillylmandelic "
                        "acid) and HVA (homovanillic acid). These leave the body in the urine. "
                        "Levels are high in 90 to 95 out of every 100 children with "
                        "neuroblastoma. A simple urine sample is enough to check them.\n\n"
                        "Blood tests check blood counts, how well the liver and kidneys work, and "
                        "the balance of salts in the blood (electrolytes). They also measure "
                        "other markers that help doctors plan treatment. A urinalysis, a "
                        "routine test of the urine, shows how well the kidneys are working."
                    ),
                },
                {
                    "heading": "Imaging tests",
                    "body": (
                        "Imaging tests make pictures of the inside of the body. They show "
                        "where the tumor is, how big it is and whether it has spread. Most "
                        "children have two or more of these tests.\n\n"
                        "- **X-ray.** A quick picture that can show a mass in the chest or "
                        "changes in the bones.\n"
                        "- **Ultrasound.** Uses sound waves to look inside the belly. It is "
                        "often the first test for a lump, and it uses no radiation.\n"
                        "- **CT scan.** Uses X-rays and a computer to make detailed pictures "
                        "in thin slices.\n"
                        "- **MRI.** Uses a strong magnet and radio waves to make detailed "
                        "pictures, especially of the spine and soft tissues. Young children "
                        "often get medicine to help them sleep and stay still.\n"
                        "- **MIBG scan.** A small amount of a radioactive substance called "
                        "MIBG is given through a vein. Most neuroblastoma cells soak it up. A "
                        "special camera then shows tumor anywhere in the body. The scan is very "
                        "good at finding cancer that has spread to bone and soft tissue.\n"
                        "- **PET scan.** About 1 in 10 neuroblastomas do not show up on an MIBG "
                        "scan. For these tumors, doctors use a PET scan instead. It shows cells "
                        "that use a lot of energy, as cancer cells often do."
                    ),
                },
                {
                    "heading": "Biopsies",
                    "body": (
                        "A biopsy means taking a small sample of tissue to look at under a "
                        "microscope. A biopsy confirms that a growth is neuroblastoma. "
                        "There are two ways to be sure:\n\n"
                        "- Tumor tissue that shows the typical features of neuroblastoma is "
                        "enough, even when catecholamine levels are normal.\n"
                        "- High catecholamine levels in the urine, together with cancer cells "
                        "found in a sample of bone marrow, are also enough.\n\n"
                        "The samples come from these procedures:\n\n"
                        "- **Bone marrow aspiration and biopsy.** Bone marrow is the soft "
                        "tissue inside bones where blood cells are made. The doctor uses a "
                        "needle to remove a little liquid marrow (aspiration) and a tiny piece "
                        "of bone with marrow (biopsy). The two are usually done together, and "
                        "samples often come from the back of both hip bones. Your child will be "
                        "asleep or sedated. In about a quarter of children, the cancer has "
                        "already reached the bone marrow when it is found.\n"
                        "- **Tumor biopsy.** A surgeon or a specially trained radiologist "
                        "removes a piece of the tumor. Sometimes the whole tumor is removed at "
                        "this time. The sample is also used for the extra tests described below."
                    ),
                },
                {
                    "heading": "Additional tissue tests",
                    "body": (
                        "Experts run more tests on the tumor sample. These tests confirm the "
                        "diagnosis and show how the cancer is likely to behave. This guides "
                        "treatment.\n\n"
                        "When a tumor looks like other childhood cancers under a regular "
                        "microscope, two tests help tell them apart:\n\n"
                        "- **Immunohistochemistry.** Special stains stick to certain proteins "
                        "on the cells. Neuroblastoma cells carry their own typical proteins.\n"
                        "- **Electron microscopy.** A very powerful microscope shows tiny "
                        "structures inside the cells that are typical of neuroblastoma.\n\n"
                        "Other tests on the same sample help predict how the cancer will "
                        "behave:\n\n"
                        "- **Histology.** A pathologist looks at how mature the cells are and "
                        "how fast they seem to be dividing.\n"
                        "- **Genetic tests of the tumor.** These look for changes in the tumor's "
                        "DNA. An important one is the number of copies of the *MYCN* gene. Many "
                        "extra copies (called MYCN amplification) mean the cancer is likely to "
                        "grow faster. Doctors also look at other changes, such as in the *ALK* "
                        "gene or on chromosome 11, and at the total amount of DNA in the cells."
                    ),
                },
            ],
        },
        {
            "kind": "staging",
            "heading": "Staging",
            "body": (
                "After testing, doctors place each child's cancer in a category. The category "
                "depends on where the tumor is, whether a surgeon can safely remove it, and "
                "whether it has spread. A tumor that can be removed with an operation is "
                "called resectable; one that cannot be removed completely is unresectable. Doctors also consider the child's age and the results "
                "of the tissue and genetic tests. Together, these sort children into low-, "
                "intermediate- or high-risk groups.\n\n"
                "This helps the team give enough treatment to cure the cancer, without giving "
                "more than your child needs. Your child's team may also use the names from an "
                "international staging system, such as L1, L2, M and MS. Ask them which group "
                "your child is in and what it means for treatment."
            ),
            "subsections": [],
        },
        {
            "kind": "treatment",
            "heading": "Treatment",
            "body": (
                "Your child's treatment plan depends on several things: your child's age, where "
                "the tumor is, what its cells and genes look like (the tumor's biology), the "
                "stage, and whether the cancer is in the lymph nodes. Together, these place "
                "your child in a risk group. Most children get more than one kind of "
                "treatment.\n\n"
                "Some babies need only careful watching. Some children need surgery alone. "
                "Children with high-risk neuroblastoma need several treatments, one after "
                "another, over a year or more. A team of specialists plans this care together, "
                "and many children are treated as part of a clinical trial.\n\n"
                "Treatment for high-risk neuroblastoma comes in three parts. Induction uses "
                "chemotherapy and surgery to shrink the cancer as much as possible. "
                "Consolidation uses high-dose chemotherapy with a stem cell transplant, and "
                "radiation therapy, to destroy the cancer cells that are left. Maintenance "
                "helps keep the cancer from coming back.\n\n"
                "After the main treatment, children with high-risk disease usually get "
                "immunotherapy. This treatment helps the immune system find and destroy cancer "
                "cells. It is given along with isotretinoin (also called 13-cis-retinoic "
                "acid), a medicine related to vitamin A that helps keep the cancer from coming "
                "back.\n\n"
                "Surgery, radiation therapy, chemotherapy, stem cell transplant, MIBG therapy "
                "and radiation during surgery are each described below. After them, under "
                "Treatment by category, you will find the usual choices for each stage. That list is a "
                "general guide: your child's team will explain which choices fit your child "
                "and whether a clinical trial may be a good option.\n\n"
                "When tests no longer find cancer after treatment, your child is in "
                "remission. If the cancer comes back later, this is called a relapse. Your "
                "child's team will explain what to watch for and how often your child needs "
                "check-ups."
            ),
            "subsections": [
                {
                    "heading": "Surgery",
                    "body": (
                        "Surgeons remove as much of the tumor as they safely can. When the "
                        "tumor is small and has not spread, surgery may be the only treatment "
                        "a child needs.\n\n"
                        "When the tumor cannot be removed safely, for example because it is "
                        "wrapped around blood vessels or organs, the operation may only take a "
                        "small sample for testing (a biopsy). Sometimes the surgeon operates "
                        "again later, after other treatments have shrunk the tumor, to take out "
                        "what is left."
                    ),
                },
                {
                    "heading": "Radiation therapy",
                    "body": (
                        "Radiation therapy uses strong beams of energy to kill cancer cells. "
                        "The beams usually come from a machine outside the body. This is called "
                        "external beam radiation therapy. "
                        "It is mostly used for children with high-risk neuroblastoma. The "
                        "beams are aimed at the place where the tumor started and sometimes at "
                        "places where it has spread. It may also be used to shrink a tumor "
                        "quickly when it causes serious problems and other treatments are not "
                        "working fast enough.\n\n"
                        "Treatments are usually given on weekdays over a few weeks. Each one "
                        "takes only minutes and does not hurt. Young children often get medicine "
                        "to help them lie still."
                    ),
                },
                {
                    "heading": "Chemotherapy",
                    "body": (
                        "Chemotherapy, or chemo, uses medicines to kill cancer cells or stop "
                        "them from dividing. Some are taken by mouth, most go into a vein, and a "
                        "few are injected into a muscle. They travel in the blood to reach "
                        "cancer cells all over the body, so chemotherapy is called a systemic "
                        "treatment. Many "
                        "children get a central line, a soft tube placed in a large vein, so "
                        "they need fewer needle pokes. Chemo is given in cycles: a few days of "
                        "treatment, then a rest so the body can recover.\n\n"
                        "- **Adjuvant chemotherapy** is given after surgery. It destroys any "
                        "cancer cells that may be left behind.\n"
                        "- **Neoadjuvant chemotherapy** is given before surgery. It shrinks "
                        "the tumor so the surgeon can remove it more safely and completely.\n\n"
                        "Children with high-risk disease get stronger chemo than children with "
                        "intermediate-risk disease. Side effects can include hair loss, nausea, "
                        "mouth sores, low blood counts and a higher chance of infection. Your "
                        "child's team will work to prevent and treat them."
                    ),
                },
                {
                    "heading": "Bone marrow (stem cell) transplant",
                    "body": (
                        "Some children with high-risk neuroblastoma get very high doses of "
                        "chemotherapy. These doses also wipe out the blood-forming stem cells "
                        "in the bone marrow. To protect against this, doctors first collect "
                        "some of your child's own stem cells from the blood and freeze them.\n\n"
                        "After the high-dose chemo, the stem cells are given back through a "
                        "vein, like a blood transfusion. They travel to the bone marrow and "
                        "start making new blood cells. This is called an autologous stem cell "
                        "transplant. Many children get two transplants a few weeks apart, called "
                        "a tandem transplant. Each one means a hospital stay of several weeks."
                    ),
                },
                {
                    "heading": "MIBG therapy",
                    "body": (
                        "MIBG therapy uses the same substance as the MIBG scan, but joined to a "
                        "much stronger dose of radioactive iodine (this is called I-131 MIBG). "
                        "It is given through an IV into a vein. Neuroblastoma cells take it up, "
                        "so the radiation reaches the cancer from the inside, wherever it is in "
                        "the body.\n\n"
                        "It is used mostly for high-risk neuroblastoma that did not respond to "
                        "chemotherapy or that came back. It is also being studied for "
                        "children who are newly diagnosed with high-risk disease. Sometimes it "
                        "is given with chemotherapy or other medicines that make the tumor more "
                        "sensitive to the radiation.\n\n"
                        "The main side effect is that the bone marrow makes fewer blood cells "
                        "for a while (marrow suppression), so blood counts drop. To help the "
                        "marrow recover, some children are given back their own stem cells, "
                        "collected and stored before the treatment.\n\n"
                        "For a few days "
                        "after the treatment, your child gives off radiation. During this time, "
                        "your child stays in a specially shielded hospital room. The team "
                        "teaches parents how to care for their child safely. Only some hospitals "
                        "offer this treatment."
                    ),
                },
                {
                    "heading": "Intraoperative radiation therapy",
                    "body": (
                        "Intraoperative radiation therapy (IORT) is a single dose of radiation "
                        "given during surgery. After the surgeon removes the tumor, nearby "
                        "healthy organs are gently moved out of the way. The radiation is then "
                        "aimed right at the area where the tumor was. This lets doctors treat "
                        "the area most at risk while protecting healthy tissue. Only a few "
                        "centers offer it.\n\n"
                        "Strong treatments such as high-dose chemotherapy have helped more "
                        "children with high-risk neuroblastoma survive. Even so, high-risk "
                        "neuroblastoma is still one of the hardest childhood cancers to treat, "
                        "and doctors keep looking for better treatments in clinical trials."
                    ),
                },
            ],
        },
        {
            "kind": "complications",
            "heading": "Complications",
            "body": (
                "Neuroblastoma can cause other health problems. Your child's care team watches "
                "for them closely.\n\n"
                "- **Spread of the cancer.** Neuroblastoma can spread (metastasize) to the "
                "lymph nodes, bone marrow, liver, skin and bones. Cancer that has spread is "
                "harder to treat.\n"
                "- **Spinal cord compression.** A tumor can grow into the space around the "
                "spinal cord and press on it. This can cause pain and weakness. Without fast "
                "treatment, it can lead to lasting weakness or paralysis. It is a medical "
                "emergency.\n"
                "- **Paraneoplastic syndromes.** Sometimes neuroblastoma releases substances, "
                "or triggers the immune system, in ways that affect other parts of the body. "
                "The best-known example is opsoclonus-myoclonus syndrome. It causes fast, "
                "darting eye movements, sudden muscle jerks and trouble with balance and "
                "coordination. Other rare signs include a swollen belly and watery diarrhea "
                "that does not stop. Some of these problems can last after the cancer is gone.\n\n"
                "Treatment can also cause problems that show up years later, such as hearing "
                "loss, slower growth or heart problems. A survivorship program can help your "
                "child stay as healthy as possible while growing up."
            ),
            "subsections": [],
        },
        {
            "kind": "questions",
            "heading": "Questions to ask your care team",
            "body": (
                "It is hard to remember everything during a visit. Print this list, add your "
                "own questions, and tick each one when it has been answered.\n\n"
                "- What stage and risk group is my child's neuroblastoma in, and what does "
                "that mean?\n"
                "- Has the cancer spread? Where to?\n"
                "- What did the tests on the tumor show, such as MYCN?\n"
                "- What treatment do you suggest, and why? What are the other choices?\n"
                "- How long will treatment last, and how much of it happens in the hospital?\n"
                "- Which side effects should we watch for? Which ones mean we should call you "
                "straight away?\n"
                "- Who do we call with questions at night and on weekends?\n"
                "- Is there a clinical trial that could be right for my child?\n"
                "- How could treatment affect my child's growth, hearing and schooling, now "
                "and later?\n"
                "- Who can help our family with money, travel, school or an interpreter?\n"
                "- What check-ups will my child need after treatment ends?"
            ),
            "subsections": [],
        },
    ],
    "staging": [
        {
            "name": "Localized resectable",
            "definition": (
                "The tumor is only where it started, and a surgeon can remove all or nearly "
                "all of it."
            ),
            "options": [
                {"text": "Surgery alone, followed by regular check-ups", "age_group": ""},
                {"text": "Surgery, then chemotherapy", "age_group": ""},
                {"text": "Surgery, then radiation therapy", "age_group": ""},
            ],
        },
        {
            "name": "Localized unresectable",
            "definition": (
                "The tumor has not spread beyond where it started, but surgery cannot remove "
                "all of it, because of its size or because it is wrapped around organs or "
                "blood vessels."
            ),
            "options": [
                {
                    "text": "First, surgery to remove as much of the tumor as can safely be "
                            "taken out",
                    "age_group": "",
                },
                {"text": "Then chemotherapy", "age_group": ""},
                {
                    "text": "Sometimes a second surgery, to remove tumor that is left after "
                            "chemotherapy",
                    "age_group": "",
                },
                {"text": "Radiation therapy may be added", "age_group": ""},
            ],
        },
        {
            "name": "Regional",
            "definition": (
                "The cancer has spread from where it started to nearby lymph nodes or nearby "
                "organs, but not to distant parts of the body."
            ),
            "options": [
                {"text": "Surgery", "age_group": "under_1"},
                {"text": "Chemotherapy", "age_group": "under_1"},
                {"text": "Surgery alone", "age_group": "1_or_older"},
                {"text": "Surgery, then chemotherapy", "age_group": "1_or_older"},
                {
                    "text": "Chemotherapy, with or without radiation therapy, then surgery",
                    "age_group": "1_or_older",
                },
                {
                    "text": "Chemotherapy with several medicines (multi-drug chemotherapy)",
                    "age_group": "1_or_older",
                },
                {"text": "Radiation therapy", "age_group": "1_or_older"},
                {"text": "A clinical trial", "age_group": "1_or_older"},
            ],
        },
        {
            "name": "Disseminated",
            "definition": (
                "The cancer has spread to distant parts of the body: distant lymph nodes, the "
                "bones, bone marrow, liver, skin or other organs. The older staging system "
                "calls this stage 4; newer systems call it stage M."
            ),
            "options": [
                {
                    "text": "Chemotherapy with several medicines, with or without surgery, "
                            "radiation therapy or both",
                    "age_group": "",
                },
                {
                    "text": "Chemotherapy, then a transplant of the child's own stem cells "
                            "collected from the blood (peripheral stem cell transplant), then "
                            "13-cis-retinoic acid (isotretinoin), usually given together with "
                            "immunotherapy",
                    "age_group": "",
                },
                {"text": "A clinical trial", "age_group": ""},
            ],
        },
        {
            "name": "Stage 4S (special)",
            "definition": (
                "The main tumor is only where it started, and the cancer has spread only to "
                "the liver, the skin or a small amount of bone marrow. It is found in babies "
                "younger than 1 year (newer systems call it stage MS and include babies up to "
                "18 months). It is treated differently from other cancer that has spread, "
                "because it often shrinks on its own."
            ),
            "options": [
                {
                    "text": "Often no treatment at all, with careful check-ups",
                    "age_group": "",
                },
                {
                    "text": "Gentle treatment, such as low-dose chemotherapy, if the baby has "
                            "problems such as a very large liver that makes breathing hard",
                    "age_group": "",
                },
                {"text": "A clinical trial may be offered", "age_group": ""},
            ],
        },
        {
            "name": "Recurrent",
            "definition": (
                "The cancer came back after treatment, or it kept growing or spreading after "
                "treatment. The best choice depends on where it came back, how far it has "
                "spread and which treatment your child had before."
            ),
            "options": [
                {
                    "text": "Surgery, sometimes with chemotherapy, when the cancer comes back "
                            "in one place after lighter treatment",
                    "age_group": "",
                },
                {
                    "text": "A clinical trial of targeted radiation with I-131 MIBG",
                    "age_group": "",
                },
                {
                    "text": "A phase 1 trial of new treatments from the New Approaches to "
                            "Neuroblastoma Therapy (NANT) consortium",
                    "age_group": "",
                },
                {
                    "text": "A phase 1 or phase 2 trial of the Children's Oncology Group (COG)",
                    "age_group": "",
                },
            ],
        },
    ],
    "recognition": [
        {
            "title": "Best regional children's cancer care",
            "detail": "Demo recognition for this example portal. Not a real award.",
        },
        {
            "title": "Ranked in 10 pediatric specialties",
            "detail": "Demo ranking for this example portal. Not a real ranking.",
        },
        {
            "title": "More than 400 children treated with MIBG therapy",
            "detail": "Demo figure for this example portal. Not real patient data.",
        },
    ],
    "references": [
        {
            "authors": "Irwin MS, Naranjo A, Zhang FF, et al.",
            "title": (
                "Revised Neuroblastoma Risk Classification System: A Report From the Children's "
                "Oncology Group"
            ),
            "source": "Journal of Clinical Oncology",
            "year": 2021,
            "volume": "39(29)",
            "pages": "3229-3241",
            "doi": "10.1200/JCO.21.00278",
            "url": "",
            "accessed": None,
        },
        {
            "authors": "Brisse HJ, McCarville MB, Granata C, et al.",
            "title": (
                "Guidelines for imaging and staging of neuroblastic tumors: consensus report "
                "from the International Neuroblastoma Risk Group Project"
            ),
            "source": "Radiology",
            "year": 2011,
            "volume": "261(1)",
            "pages": "243-257",
            "doi": "10.1148/radiol.11101352",
            "url": "",
            "accessed": None,
        },
        {
            "authors": "Maris JM",
            "title": "Recent advances in neuroblastoma",
            "source": "New England Journal of Medicine",
            "year": 2010,
            "volume": "362(23)",
            "pages": "2202-2211",
            "doi": "10.1056/NEJMra0804577",
            "url": "",
            "accessed": None,
        },
        {
            "authors": "Maris JM, Hogarty MD, Bagatell R, Cohn SL",
            "title": "Neuroblastoma",
            "source": "Lancet",
            "year": 2007,
            "volume": "369(9579)",
            "pages": "2106-2120",
            "doi": "10.1016/S0140-6736(07)60983-0",
            "url": "",
            "accessed": None,
        },
        {
            "authors": "Matthay KK, Maris JM, Schleiermacher G, et al.",
            "title": "Neuroblastoma",
            "source": "Nature Reviews Disease Primers",
            "year": 2016,
            "volume": "2",
            "pages": "16078",
            "doi": "10.1038/nrdp.2016.78",
            "url": "",
            "accessed": None,
        },
        {
            "authors": "Cohn SL, Pearson AD, London WB, et al.",
            "title": (
                "The International Neuroblastoma Risk Group (INRG) classification system: an "
                "INRG Task Force report"
            ),
            "source": "Journal of Clinical Oncology",
            "year": 2009,
            "volume": "27(2)",
            "pages": "289-297",
            "doi": "10.1200/JCO.2008.16.6785",
            "url": "",
            "accessed": None,
        },
        {
            "authors": "Monclair T, Brodeur GM, Ambros PF, et al.",
            "title": (
                "The International Neuroblastoma Risk Group (INRG) staging system: an INRG Task "
                "Force report"
            ),
            "source": "Journal of Clinical Oncology",
            "year": 2009,
            "volume": "27(2)",
            "pages": "298-303",
            "doi": "10.1200/JCO.2008.16.6876",
            "url": "",
            "accessed": None,
        },
        {
            "authors": "Mossé YP, Laudenslager M, Longo L, et al.",
            "title": "Identification of ALK as a major familial neuroblastoma predisposition gene",
            "source": "Nature",
            "year": 2008,
            "volume": "455(7215)",
            "pages": "930-935",
            "doi": "10.1038/nature07261",
            "url": "",
            "accessed": None,
        },
        {
            "authors": "Matthay KK, Villablanca JG, Seeger RC, et al.",
            "title": (
                "Treatment of high-risk neuroblastoma with intensive chemotherapy, radiotherapy, "
                "autologous bone marrow transplantation, and 13-cis-retinoic acid"
            ),
            "source": "New England Journal of Medicine",
            "year": 1999,
            "volume": "341(16)",
            "pages": "1165-1173",
            "doi": "10.1056/NEJM199910143411601",
            "url": "",
            "accessed": None,
        },
        {
            "authors": "Yu AL, Gilman AL, Ozkaynak MF, et al.",
            "title": (
                "Anti-GD2 antibody with GM-CSF, interleukin-2, and isotretinoin for neuroblastoma"
            ),
            "source": "New England Journal of Medicine",
            "year": 2010,
            "volume": "363(14)",
            "pages": "1324-1334",
            "doi": "10.1056/NEJMoa0911123",
            "url": "",
            "accessed": None,
        },
        {
            "authors": "Park JR, Kreissman SG, London WB, et al.",
            "title": (
                "Effect of tandem autologous stem cell transplant vs single transplant on "
                "event-free survival in patients with high-risk neuroblastoma: a randomized "
                "clinical trial"
            ),
            "source": "JAMA",
            "year": 2019,
            "volume": "322(8)",
            "pages": "746-755",
            "doi": "10.1001/jama.2019.11642",
            "url": "",
            "accessed": None,
        },
        {
            "authors": "Brodeur GM, Hogarty MD, Bagatell R, et al.",
            "title": "Neuroblastoma",
            "source": (
                "In: Pizzo PA, Poplack DG, eds. Principles and Practice of Pediatric Oncology. "
                "7th ed. Wolters Kluwer"
            ),
            "year": 2015,
            "volume": "",
            "pages": "772-792",
            "doi": "",
            "url": "",
            "accessed": None,
        },
        {
            "authors": "National Cancer Institute",
            "title": "Neuroblastoma Treatment (PDQ) \u2013 Patient Version",
            "source": "National Cancer Institute",
            "year": 2025,
            "volume": "",
            "pages": "",
            "doi": "",
            "url": "https://www.cancer.gov/types/neuroblastoma/patient/neuroblastoma-treatment-pdq",
            "accessed": datetime.date(2025, 9, 1),
        },
        {
            "authors": "Y-mAbs Therapeutics",
            "title": "Danyelza (naxitamab-gqgk) prescribing information",
            "source": "Y-mAbs Therapeutics",
            "year": 2020,
            "volume": "",
            "pages": "",
            "doi": "",
            "url": "",
            "accessed": None,
        },
        {
            "authors": "United Therapeutics Corporation",
            "title": "Unituxin (dinutuximab) prescribing information",
            "source": "United Therapeutics Corporation",
            "year": 2015,
            "volume": "",
            "pages": "",
            "doi": "",
            "url": "",
            "accessed": None,
        },
        {
            "authors": "U.S. National Library of Medicine",
            "title": "Search results: neuroblastoma, recruiting",
            "source": "ClinicalTrials.gov",
            "year": 2025,
            "volume": "",
            "pages": "",
            "doi": "",
            "url": "https://clinicaltrials.gov/search?cond=Neuroblastoma&aggFilters=status:rec",
            "accessed": datetime.date(2025, 9, 1),
        },
    ],
    "discussions": [
        {
            "title": "Questions to ask before MIBG therapy (example thread)",
            "url": "https://community.example.org/t/questions-before-mibg-therapy",
            "reply_count": 14,
        },
        {
            "title": "How we explained scans to our 4-year-old (example thread)",
            "url": "https://community.example.org/t/explaining-scans-to-a-preschooler",
            "reply_count": 9,
        },
        {
            "title": "Life after treatment: school and check-ups (example thread)",
            "url": "https://community.example.org/t/life-after-neuroblastoma-treatment",
            "reply_count": 22,
        },
    ],
    "stories": [
        {
            "title": "A first birthday for baby Theo",
            "slug": "a-first-birthday-for-baby-theo",
            "summary": (
                "When Theo was 6 months old, his mother felt a firm spot in his belly. Tests "
                "found neuroblastoma, and he was treated with surgery and chemotherapy."
            ),
            "body": (
                "*This is an illustrative story written for this demo site. Theo and his "
                "family are not real people, and the details do not describe any real patient.*\n\n"
                "Bath time was Theo's favorite part of the day. One evening, when he was 6 "
                "months old, his mother, Rosa, noticed that one side of his belly felt firm "
                "and a little swollen. Theo was smiling and kicking as usual. Still, something "
                "seemed off, so she called his pediatrician the next morning.\n\n"
                "The pediatrician felt a lump and sent Theo for an ultrasound that same day. "
                "It showed a mass above his left kidney. Over the next week, Theo had a urine "
                'test, an MRI and an MIBG scan. "Everything moved so fast," says his father, '
                'Daniel. "The nurses wrote down each step for us. That helped when our heads '
                'were spinning."\n\n'
                "The tests showed neuroblastoma in Theo's left adrenal gland. It had not "
                "spread to distant parts of his body. Part of the tumor was wrapped around a "
                "blood vessel, so the surgeon removed as much as she safely could and left a "
                "small piece behind. Tests on the tumor showed that a few rounds of "
                "chemotherapy would give Theo the best chance.\n\n"
                "Theo had four rounds of chemotherapy over about three months. The medicine "
                "went in through a central line, so he did not need a new needle each time. "
                "There were hard days. He stopped eating for a while, and he spent a few "
                "nights in the hospital with a fever. A child life specialist brought music "
                "and soft toys, and a social worker helped the family with parking and time "
                "off work.\n\n"
                "After his last round, Theo's scans showed only a small area of leftover tissue "
                "that was not growing. Now he has check-ups and scans every few months. He "
                "recently turned 1 and wore most of his birthday cake. \"We don't know "
                'everything the future holds," Rosa says. "But today he is crawling '
                'everywhere, and we hold on to that."'
            ),
            # The demo's picture is a drawing (portal.demo_images), and its description
            # says what it shows.
            "image_alt": "A simple drawing of a child in yellow on a blue background.",
        },
    ],
}

OTHER_CONDITIONS = [
    {
        "name": "Nephroblastoma",
        "slug": "nephroblastoma",
        "synonyms": [
            "Wilms tumor",
        ],
        "summary": (
            "Nephroblastoma, better known as Wilms tumor, is a cancer that starts in a kidney. "
            "It mostly affects young children, and most children are cured."
        ),
        "key_facts": [
            "It is the most common kidney cancer in children.",
            "Most children are diagnosed before age 5.",
        ],
        "last_reviewed": datetime.date(2025, 8, 15),
        "next_review_due": datetime.date(2026, 8, 15),
        "reviewer_name": "Dr. Samuel Demo",
        "reviewer_role": "Pediatric oncologist",
        "sections": [
            {
                "kind": "overview",
                "heading": "Overview",
                "body": (
                    "Wilms tumor is a cancer that starts in the kidney. Its medical name is "
                    "nephroblastoma. It begins when young kidney cells, which should stop "
                    "growing before birth, keep dividing instead.\n\n"
                    "Wilms tumor is the most common kidney cancer in children. Most children "
                    "are diagnosed before age 5. Usually only one kidney has a tumor. In about "
                    "5 to 10 out of every 100 children, both kidneys do.\n\n"
                    "Most children with Wilms tumor have no known risk factor. A small number "
                    "have a genetic condition that raises the risk, such as WAGR syndrome, "
                    "Denys-Drash syndrome or Beckwith-Wiedemann syndrome. These children may "
                    "have regular ultrasounds of the belly so that a tumor can be found early.\n\n"
                    "Wilms tumor is not the same as neuroblastoma. Neuroblastoma often starts in "
                    "the adrenal gland, which sits on top of the kidney. It is a different "
                    "cancer and is treated in a different way."
                ),
                "subsections": [],
            },
            {
                "kind": "symptoms",
                "heading": "Symptoms",
                "body": (
                    "Many children with Wilms tumor seem healthy. Often a parent first notices "
                    "swelling while bathing or dressing the child. Signs can include:\n\n"
                    "- A lump or swelling in the belly, often painless\n"
                    "- Belly pain\n"
                    "- Blood in the urine, or urine that looks pink or dark\n"
                    "- High blood pressure\n"
                    "- Fever\n"
                    "- Poor appetite or nausea\n\n"
                    "If you feel a lump in your child's belly, call your child's doctor. Try not "
                    "to press on it again and again before it is checked."
                ),
                "subsections": [],
            },
            {
                "kind": "diagnosis",
                "heading": "Diagnosis",
                "body": (
                    "To find out whether a lump is Wilms tumor, doctors may use:\n\n"
                    "- **Blood and urine tests** to check how well the kidneys and liver work "
                    "and to look for blood in the urine.\n"
                    "- **Ultrasound** of the belly. This is often the first test. It shows the "
                    "tumor and whether it has grown into the large veins near the kidney.\n"
                    "- **CT scan or MRI** of the belly to see the tumor and nearby organs in "
                    "detail, and a **CT scan of the chest** to look for spread to the lungs.\n"
                    "- **Surgery or biopsy.** Often the diagnosis is confirmed when the "
                    "surgeon removes the kidney with the tumor. A pathologist then studies the "
                    "tissue.\n\n"
                    "The pathologist checks whether the tumor has *favorable* or *anaplastic* "
                    "histology. Anaplastic cells look very abnormal under the microscope, and "
                    "these tumors need stronger treatment."
                ),
                "subsections": [],
            },
            {
                "kind": "treatment",
                "heading": "Treatment",
                "body": (
                    "Most children have surgery and chemotherapy. Some also need radiation "
                    "therapy.\n\n"
                    "- **Surgery.** In the United States, surgery often comes first. The "
                    "surgeon usually removes the whole kidney with the tumor. This is called a "
                    "nephrectomy. Children can live a healthy life with one kidney. When both "
                    "kidneys have tumors, surgeons try to save as much healthy kidney as they "
                    "can.\n"
                    "- **Chemotherapy.** Medicines given after surgery kill any cancer cells "
                    "that are left. Some children get chemotherapy first to shrink the tumor.\n"
                    "- **Radiation therapy.** This is used when some tumor was left after "
                    "surgery, when the cancer had reached lymph nodes or spread further "
                    "(stages III and IV), and for some earlier tumors with anaplastic "
                    "histology.\n\n"
                    "After treatment, children have regular check-ups. These look for any sign "
                    "that the cancer has come back and for late effects of treatment."
                ),
                "subsections": [],
            },
        ],
        "staging": [
            {
                "name": "Stage I",
                "definition": "The tumor was only in the kidney and was removed completely.",
                "options": [
                    {
                        "text": "Surgery to remove the kidney, usually followed by chemotherapy",
                        "age_group": "",
                    },
                    {
                        "text": "Surgery alone for some children younger than 2 with a small tumor",
                        "age_group": "",
                    },
                ],
            },
            {
                "name": "Stage II",
                "definition": (
                    "The tumor had grown beyond the kidney into nearby tissue, but it was all "
                    "removed."
                ),
                "options": [
                    {
                        "text": "Surgery, then chemotherapy",
                        "age_group": "",
                    },
                ],
            },
            {
                "name": "Stage III",
                "definition": (
                    "Some tumor was left in the belly after surgery, or the cancer had reached "
                    "nearby lymph nodes."
                ),
                "options": [
                    {
                        "text": "Surgery and chemotherapy",
                        "age_group": "",
                    },
                    {
                        "text": "Radiation therapy to the belly",
                        "age_group": "",
                    },
                ],
            },
            {
                "name": "Stage IV",
                "definition": (
                    "The cancer has spread to distant parts of the body, most often the lungs."
                ),
                "options": [
                    {
                        "text": "Surgery and chemotherapy",
                        "age_group": "",
                    },
                    {
                        "text": "Radiation therapy to the belly and to areas of spread when needed",
                        "age_group": "",
                    },
                ],
            },
            {
                "name": "Stage V",
                "definition": "There are tumors in both kidneys.",
                "options": [
                    {
                        "text": "Chemotherapy first to shrink the tumors",
                        "age_group": "",
                    },
                    {
                        "text": "Surgery that saves as much healthy kidney as possible",
                        "age_group": "",
                    },
                ],
            },
        ],
        "recognition": [],
        "references": [
            {
                "authors": "Dome JS, Graf N, Geller JI, et al.",
                "title": (
                    "Advances in Wilms tumor treatment and biology: progress through "
                    "international collaboration"
                ),
                "source": "Journal of Clinical Oncology",
                "year": 2015,
                "volume": "33(27)",
                "pages": "2999-3007",
                "doi": "10.1200/JCO.2015.62.1888",
                "url": "",
                "accessed": None,
            },
            {
                "authors": "National Cancer Institute",
                "title": (
                    "Wilms Tumor and Other Childhood Kidney Tumors Treatment (PDQ) \u2013 "
                    "Patient Version"
                ),
                "source": "National Cancer Institute",
                "year": 2025,
                "volume": "",
                "pages": "",
                "doi": "",
                "url": "https://www.cancer.gov/types/kidney/patient/wilms-treatment-pdq",
                "accessed": datetime.date(2025, 8, 1),
            },
        ],
        "stories": [],
    },
    {
        "name": "Retinoblastoma",
        "slug": "retinoblastoma",
        "synonyms": [
            "Childhood eye cancer",
        ],
        "summary": (
            "Retinoblastoma is a cancer of the retina, the thin layer at the back of the eye "
            "that senses light. It mostly affects babies and toddlers, and most children are "
            "cured."
        ),
        "key_facts": [
            "Most children are diagnosed before age 5, many before age 2.",
            "In the United States, more than 9 out of 10 children with retinoblastoma are cured.",
        ],
        "last_reviewed": datetime.date(2025, 7, 10),
        "next_review_due": datetime.date(2026, 7, 10),
        "reviewer_name": "Dr. Priya Demo",
        "reviewer_role": "Pediatric ophthalmologist",
        "sections": [
            {
                "kind": "overview",
                "heading": "Overview",
                "body": (
                    "Retinoblastoma is a cancer that starts in the retina. The retina is the "
                    "thin layer of tissue at the back of the eye that senses light and sends "
                    "pictures to the brain. The cancer begins when young retina cells have "
                    "changes in a gene called *RB1*. These changes let the cells grow out of "
                    "control.\n\n"
                    "Retinoblastoma can affect one eye or both eyes. About 4 out of 10 "
                    "children have a form that can be passed down in families. These children "
                    "usually have tumors in both eyes and are diagnosed at a younger age. "
                    "Genetic testing can show whether your child has this form and whether "
                    "brothers and sisters need eye checks.\n\n"
                    "When it is found early, retinoblastoma can almost always be cured. Doctors "
                    "also work hard to save the eye and as much sight as possible."
                ),
                "subsections": [],
            },
            {
                "kind": "symptoms",
                "heading": "Symptoms",
                "body": (
                    "Babies and toddlers cannot tell you that their vision has changed, so "
                    "parents often notice signs first. Signs can include:\n\n"
                    "- A white glow in the pupil instead of the usual red-eye, often seen "
                    "first in a photo taken with a flash\n"
                    "- Eyes that look in different directions (crossed or wandering eyes)\n"
                    "- A red, swollen or painful eye\n"
                    "- Poor vision, or a child who does not follow objects with one eye\n"
                    "- A pupil that looks larger, or an iris that is a different color from "
                    "the other eye\n\n"
                    "If you see any of these signs, make an appointment with your child's doctor "
                    "soon."
                ),
                "subsections": [],
            },
            {
                "kind": "diagnosis",
                "heading": "Diagnosis",
                "body": (
                    "An eye doctor who specializes in children's eye cancer looks closely "
                    "inside both eyes. This is usually done while your child is asleep under "
                    "anesthesia, so the doctor can check every part of the retina.\n\n"
                    "- **Eye ultrasound** uses sound waves to measure the tumor.\n"
                    "- **MRI** of the head and eyes shows whether the tumor has grown into the "
                    "optic nerve or the brain.\n"
                    "- **Genetic testing** of a blood sample looks for *RB1* changes that can "
                    "run in families.\n\n"
                    "Doctors usually do not take a biopsy from the eye, because this could let "
                    "cancer cells spread. The diagnosis is most often made from the exam and "
                    "imaging."
                ),
                "subsections": [],
            },
            {
                "kind": "treatment",
                "heading": "Treatment",
                "body": (
                    "Treatment depends on the size and place of the tumor, whether one or both "
                    "eyes are affected, and whether the cancer has spread. The goals are to "
                    "cure the cancer, save the eye when possible and protect vision.\n\n"
                    "- **Chemotherapy.** Medicines can be given through a vein, or through a "
                    "thin tube straight into the artery that feeds the eye (intra-arterial "
                    "chemotherapy). Some children get medicine injected into the eye itself.\n"
                    "- **Focal treatments.** Laser therapy heats and destroys small tumors. "
                    "Cryotherapy freezes them.\n"
                    "- **Radiation therapy.** A small radioactive disc can be stitched to the "
                    "outside of the eye for a few days. This is called plaque brachytherapy.\n"
                    "- **Surgery to remove the eye.** When a tumor is very large or vision "
                    "cannot be saved, removing the eye may be the safest choice. Your child "
                    "will get an artificial eye that looks natural.\n\n"
                    "Children who have the inherited form need regular check-ups for many years. "
                    "They have a higher chance of other cancers later in life."
                ),
                "subsections": [],
            },
        ],
        "staging": [],
        "recognition": [],
        "references": [
            {
                "authors": "Dimaras H, Kimani K, Dimba EA, et al.",
                "title": "Retinoblastoma",
                "source": "Lancet",
                "year": 2012,
                "volume": "379(9824)",
                "pages": "1436-1446",
                "doi": "10.1016/S0140-6736(11)61137-9",
                "url": "",
                "accessed": None,
            },
            {
                "authors": "National Cancer Institute",
                "title": "Retinoblastoma Treatment (PDQ) \u2013 Patient Version",
                "source": "National Cancer Institute",
                "year": 2025,
                "volume": "",
                "pages": "",
                "doi": "",
                "url": (
                    "https://www.cancer.gov/types/retinoblastoma/patient/retinoblastoma-treatment-pdq"
                ),
                "accessed": datetime.date(2025, 7, 1),
            },
        ],
        "stories": [],
    },
]

# Glossary terms: (term, other forms, definition). Plain words, written for this project.
GLOSSARY = [
    ("Adjuvant therapy", ["adjuvant"],
     "Treatment given after the main treatment, usually surgery, to destroy any cancer cells "
     "that may be left behind."),
    ("Adrenal gland", ["adrenal"],
     "A small gland on top of each kidney. It makes hormones, such as adrenaline, that help "
     "control blood pressure and how the body reacts to stress."),
    ("Anemia", ["anaemia"],
     "Having too few red blood cells. It can make a child pale, tired and short of breath."),
    ("Assent", [],
     "A child's own agreement to take part in a clinical trial, asked for in words that fit "
     "the child's age. Parents give consent; children old enough to understand give assent."),
    ("Biopsy", ["biopsied"],
     "Taking a small piece of tissue so that a specialist can look at it under a microscope. "
     "It shows for certain whether a growth is cancer, and which kind."),
    ("Bone marrow", ["marrow"],
     "The soft, spongy tissue inside bones where new blood cells are made."),
    ("Bone marrow aspiration", ["marrow aspiration"],
     "Using a thin needle to draw out a little liquid bone marrow, usually from the back of "
     "the hip bone, to look for cancer cells. The child is asleep or sedated."),
    ("Catecholamines", ["catecholamine"],
     "Chemical messengers, such as adrenaline, made by nerve cells and the adrenal glands. "
     "Most neuroblastomas make too much of them, and their breakdown products can be measured "
     "in urine."),
    ("Central line", [],
     "A thin, soft tube placed in a large vein in the chest, so that medicines can be given "
     "and blood taken without a new needle each time."),
    ("Chemotherapy", ["chemo"],
     "Medicines that kill cancer cells or stop them from dividing. They can be given by "
     "mouth, into a vein or as an injection."),
    ("Clinical trial", ["clinical study"],
     "A carefully planned research study that tests a new way to find or treat an illness. "
     "Families choose whether to take part and can leave at any time."),
    ("Consolidation", [],
     "The second part of treatment for high-risk cancer, after induction. Very strong "
     "treatment, such as high-dose chemotherapy with a stem cell transplant, destroys the "
     "cancer cells that are left."),
    ("CT scan", ["CT", "computed tomography"],
     "A scan that uses X-rays and a computer to make detailed pictures of the inside of the "
     "body, slice by slice."),
    ("Eligibility", ["eligible"],
     "The rules that say who can join a clinical trial, such as the child's age, the type "
     "and stage of the cancer and the treatment they have had before."),
    ("Immunohistochemistry", [],
     "A lab test that uses special stains to find certain proteins in a tissue sample. It "
     "helps tell one kind of tumor from another."),
    ("Immunotherapy", [],
     "Treatment that helps the body's immune system find and destroy cancer cells."),
    ("Induction", [],
     "The first part of treatment for high-risk cancer. Several chemotherapy medicines, and "
     "often surgery, shrink the cancer as much as possible."),
    ("Isotretinoin", ["13-cis-retinoic acid"],
     "A medicine related to vitamin A. After the main treatment for high-risk neuroblastoma, "
     "it helps any cancer cells that are left to mature, so that they stop dividing."),
    ("Localized", ["localised"],
     "Cancer that is still only in the place where it started and has not spread."),
    ("Lymph nodes", ["lymph node"],
     "Small, bean-shaped glands all over the body that help fight infection. Cancer can "
     "spread to them."),
    ("Maintenance", [],
     "The last part of treatment for high-risk cancer, given to help keep the cancer from "
     "coming back."),
    ("Metastatic", ["metastasis", "metastases", "metastasize", "metastasise"],
     "Cancer that has spread from where it started to other parts of the body, such as the "
     "bones or the liver."),
    ("MIBG", ["metaiodobenzylguanidine"],
     "A substance that most neuroblastoma cells soak up. With a little radioactivity "
     "attached, it shows tumors on a scan. With much more, it is used as a treatment (MIBG "
     "therapy)."),
    ("MRI", ["magnetic resonance imaging"],
     "A scan that uses a strong magnet and radio waves, not X-rays, to make detailed "
     "pictures of the inside of the body."),
    ("MYCN", ["MYCN amplification"],
     "A gene that helps control cell growth. When a neuroblastoma has many extra copies of "
     "it (MYCN amplification), the cancer tends to grow fast and needs stronger treatment."),
    ("Neoadjuvant therapy", ["neoadjuvant"],
     "Treatment given before the main treatment, usually surgery, to shrink the tumor first."),
    ("Neuroblast", [],
     "A young nerve cell that has not finished developing. Neuroblastoma starts in these "
     "cells."),
    ("Paraneoplastic syndrome", [],
     "Health problems caused by substances a tumor releases, or by the immune system "
     "reacting to the tumor, in parts of the body the cancer has not reached."),
    ("PET scan", ["PET"],
     "A scan that shows which cells use a lot of energy, as cancer cells often do, after a "
     "small amount of a radioactive sugar is given through a vein."),
    ("Early phase 1 trial", ["early phase 1", "phase 0"],
     "A very small study, before phase 1, in which a few people get tiny doses of a new "
     "medicine to learn how it behaves in the body. It is not meant to treat anyone's illness."),
    ("Phase 1 trial", ["phase 1", "phase I"],
     "The first step in testing a new treatment in people. A small group takes part, to find "
     "a safe dose and learn about side effects."),
    ("Phase 2 trial", ["phase 2", "phase II"],
     "A study that checks whether a treatment that passed phase 1 works against a certain "
     "kind of cancer, in a larger group of patients."),
    ("Phase 3 trial", ["phase 3", "phase III"],
     "A study that compares a new treatment with the best usual treatment, often in many "
     "patients at many hospitals."),
    ("Radiation", ["radiation therapy", "radiotherapy"],
     "Energy sent out as invisible rays or particles. Strong doses kill cancer cells "
     "(radiation therapy); small doses are used to take pictures, as in X-rays and CT scans."),
    ("Randomized", ["randomised", "randomization", "randomisation"],
     "In a randomized trial, a computer decides by chance which treatment each patient gets, "
     "so that the treatments can be compared fairly."),
    ("Relapse", ["relapsed", "recurrence"],
     "When cancer comes back after treatment."),
    ("Remission", [],
     "When tests no longer find signs of cancer after treatment (complete remission), or find "
     "much less of it (partial remission). It does not always mean the cancer is gone for "
     "good."),
    ("Resectable", [],
     "A tumor that a surgeon can remove completely, or almost completely, with an operation."),
    ("Stem cell transplant", ["bone marrow transplant", "stem cell transplantation",
                              "transplant"],
     "Giving back blood-forming stem cells after very strong chemotherapy has destroyed the "
     "bone marrow. For neuroblastoma, they are usually the child's own stem cells, collected "
     "and frozen beforehand (an autologous transplant)."),
    ("Sympathetic nervous system", ["sympathetic nerve tissue", "sympathetic nerves"],
     "The part of the nervous system that works without our thinking about it, helping to "
     "control things like heart rate, blood pressure, digestion and sweating."),
    ("Unresectable", [],
     "A tumor that cannot be removed completely with an operation, for example because it is "
     "wrapped around blood vessels or organs."),
]
